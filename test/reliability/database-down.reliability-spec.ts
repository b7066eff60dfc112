import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';

/** PostgreSQL goes away mid-run: answers are fast 503s, never hangs or 500s, and the app recovers by itself. */
describe('database down', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    t = await startTestApp({
      routeDatabase: async (url) => {
        const parsed = new URL(url);
        proxy = await TcpProxy.start({ host: parsed.hostname, port: Number(parsed.port || 5432) });
        parsed.host = `127.0.0.1:${proxy.port}`;
        return parsed.toString();
      },
    });
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.cut();
  });

  const timed = async <T>(work: () => Promise<T>) => {
    const started = Date.now();
    const result = await work();
    return { result, ms: Date.now() - started };
  };

  it('answers 503 while the database is away and recovers when it returns', async () => {
    await t.http.get('/health').expect(200);
    await t.http.get('/api/v1/challenges').expect(200);

    await proxy.cut();
    const health = await timed(() => t.http.get('/health'));
    expect(health.result.status).toBe(503);
    expect(health.result.body).toEqual({ status: 'unavailable', database: 'down' });
    expect(health.ms).toBeLessThan(3000);

    // A query the 2-second public list cache has not seen, so it must reach the database.
    const api = await timed(() => t.http.get('/api/v1/challenges?q=during-the-outage'));
    expect(api.result.status).toBe(503);
    expect(api.result.headers['content-type']).toMatch(/problem\+json/);
    expect(api.result.body.type).toBe('urn:laurel:problem:service-unavailable');
    expect(api.ms).toBeLessThan(7000);

    const write = await t.http.post('/api/v1/auth/register').send({ email: 'down@example.gov', password: 'a long enough password', name: 'Down' });
    expect(write.status).toBe(503);
    const page = await t.http.get('/challenges?q=during-the-outage');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/html/);

    await proxy.restore();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await t.http.get('/health')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    await t.http.get('/api/v1/challenges').expect(200);
    await t.http.post('/api/v1/auth/register').send({ email: 'back@example.gov', password: 'a long enough password', name: 'Back' }).expect(201);
  });
});
