import { startTestApp, type TestApp } from './support/test-app';

describe('HTTP contract', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports health with the database state', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers malformed JSON with 400 problem+json and no stack trace', async () => {
    const response = await t.http.post('/api/v1/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toEqual({
      type: 'urn:laurel:problem:malformed-request',
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is not valid JSON.',
      errors: [],
      requestId: response.headers['x-request-id'],
    });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('rejects unknown properties with 422 and a field error', async () => {
    const response = await t.http
      .post('/api/v1/auth/token')
      .send({ email: 'a@example.gov', password: 'whatever-long', isAdmin: true })
      .expect(422);
    expect(response.body.errors).toEqual([{ field: 'isAdmin', message: 'is not an allowed property' }]);
  });

  it('refuses prototype property names anywhere in a body or query with 422 (class-transformer would crash on them)', async () => {
    const nested = await t.http.post('/api/v1/auth/token').set('Content-Type', 'application/json').send('{"email":"a@example.gov","password":"whatever-long","extra":{"constructor":"x","inner":{"__proto__":{"admin":true}}}}').expect(422);
    expect(nested.body.errors).toEqual([
      { field: 'extra.constructor', message: 'is not an allowed property name' },
      { field: 'extra.inner.__proto__', message: 'is not an allowed property name' },
    ]);
    await t.http.get('/api/v1/challenges?constructor=x').expect(422);
    const page = await t.http.get('/challenges?constructor=x');
    expect(page.status).toBe(422);
  });

  it('rejects wrong types with 422, never 500', async () => {
    const response = await t.http.post('/api/v1/auth/register').send({ email: ['x'], password: { a: 1 }, name: 42 }).expect(422);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name', 'password']);
  });

  it('answers bodies over the limit with 413 problem+json', async () => {
    const response = await t.http
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }))
      .expect(413);
    expect(response.body.type).toBe('urn:laurel:problem:payload-too-large');
  });

  it('keeps a sane incoming request id and makes one up otherwise', async () => {
    const kept = await t.http.get('/health').set('X-Request-Id', 'trace-abc-12345');
    expect(kept.headers['x-request-id']).toBe('trace-abc-12345');
    const replaced = await t.http.get('/health').set('X-Request-Id', '<script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown API routes with 404 problem+json and unknown pages with an HTML page', async () => {
    const api = await t.http.get('/api/v1/nothing-here').expect(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
    const page = await t.http.get('/nothing-here').expect(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('usa-alert');
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    await t.http.get('/api/docs/').expect(200).expect('Content-Type', /html/);
    const document = await t.http.get('/api/docs-json').expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/register', '/api/v1/auth/token', '/api/v1/me']));
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const response = await t.http.get('/sign-in').expect(200);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(response.text).not.toMatch(/ style="/);
  });

  it('serves the USWDS assets locally', async () => {
    await t.http.get('/assets/uswds/css/uswds.min.css').expect(200).expect('Content-Type', /css/);
    await t.http.get('/assets/uswds/js/uswds.min.js').expect(200);
    await t.http.get('/assets/app/app.css').expect(200);
  });
});

describe('HTTP contract over https', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'https://laurel.example.gov' } });
  });
  afterAll(() => t.close());

  it('sends HSTS and marks cookies Secure', async () => {
    const response = await t.http.get('/sign-in').expect(200);
    expect(response.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(String(response.headers['set-cookie'])).toContain('Secure');
  });
});
