import fc from 'fast-check';
import { ADMIN_ENV, grantRoles, PASSWORD, registerVerified, type TestAccount } from '../support/accounts';
import { BrowserSession } from '../support/browser-session';
import { publishedChallenge } from '../support/challenges';
import { isApi, isPage, routesOf, type AppRoute } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

/** Every API route that takes a body, read from the running app's router (a new route is covered automatically). */
const writeRoutes = (t: TestApp) => routesOf(t.app).filter((route) => isApi(route) && ['post', 'put', 'patch'].includes(route.method)) as (AppRoute & { method: 'post' | 'put' | 'patch' })[];

const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '$where', 'isAdmin', 'roles', 'ownerId', 'id');
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 50 }),
  fc.constant('x'.repeat(100_000)),
  fc.constant(-1e308),
  fc.constant('<script>alert(1)</script>'),
  fc.constantFrom('x\u0000y', '\u001b[2J', 'lone \ud800 surrogate'),
  fc.constant({ $gt: '' }),
  fc.constant({ constructor: 'x', prototype: { polluted: true } }),
  fc.array(fc.constant([[[[[[[[[[{}]]]]]]]]]]), { maxLength: 3 }),
);
/**
 * Percent-encodes text as UTF-8, and an unpaired surrogate as the three bytes it would take (WTF-8), which no
 * decoder accepts as UTF-8: the way a hostile client sends one in a URL (encodeURIComponent throws on it).
 */
function wtf8Encode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(char);
    }
  }
  return encoded;
}

const bodies = fc.oneof(fc.dictionary(fc.oneof(hostileKeys, fc.string({ maxLength: 12 })), hostileValue, { maxKeys: 8 }), fc.jsonValue({ maxDepth: 3 }));

/** Random and hostile bodies to every write route: never a 5xx, always problem+json when refused, and nothing changed. */
describe('hostile input', () => {
  let t: TestApp;
  let manager: TestAccount;
  let params: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    manager = await registerVerified(t, 'fuzz.manager@agency.example.gov');
    await grantRoles(t, manager, ['manager']);
    const challenge = await publishedChallenge(t, manager, new Date(Date.now() - 2 * 86400_000));
    const [submission] = await t.db.query(`SELECT id FROM submissions LIMIT 1`);
    params = { id: challenge.id, idOrSlug: challenge.id, judgeId: manager.id, userId: manager.id, fileId: manager.id, token: 'no-such-token', ...(submission ? { id2: submission.id } : {}) };
  });
  afterAll(() => t.close());

  const snapshot = async () =>
    JSON.stringify(
      await t.db.query(
        `SELECT (SELECT count(*) FROM users) AS users, (SELECT md5(string_agg(c::text, '' ORDER BY c.id)) FROM challenges c) AS challenges,
                (SELECT count(*) FROM submissions) AS submissions, (SELECT count(*) FROM judges) AS judges, (SELECT count(*) FROM awards) AS awards,
                (SELECT count(*) FROM outbox_messages) AS outbox, (SELECT count(*) FROM audit_log) AS audit`,
      ),
    );

  it('answers every hostile body to every write route without a 5xx or a change', async () => {
    const routes = writeRoutes(t);
    expect(routes.length).toBeGreaterThan(20);
    let tried = 0;
    const fiveHundreds: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? params.id);
      await fc.assert(
        fc.asyncProperty(bodies, fc.boolean(), async (body, signedIn) => {
          const before = await snapshot();
          let request = t.http[route.method](path);
          if (signedIn) request = request.set(manager.auth);
          const response = await request.set('Content-Type', 'application/json').send(JSON.stringify(body));
          tried += 1;
          if (response.status >= 500) fiveHundreds.push(`${route.method.toUpperCase()} ${route.path} ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
          if (response.status >= 400) {
            expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
            expect(await snapshot()).toBe(before);
          }
        }),
        { numRuns: 25 },
      );
      for (const [contentType, payload] of [
        ['text/plain', 'title=x'],
        ['application/x-www-form-urlencoded', 'title=x&__proto__[admin]=1'],
        ['application/json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
        ['application/json', `{"title": "${'x'.repeat(10 * 1024 * 1024)}"}`],
      ] as const) {
        const response = await t.http[route.method](path).set(manager.auth).set('Content-Type', contentType).send(payload);
        tried += 1;
        if (response.status >= 500) fiveHundreds.push(`${route.method.toUpperCase()} ${route.path} ${response.status} ${contentType}`);
        if (response.status >= 400) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
    console.log(JSON.stringify({ hostileInput: { routes: routes.length, requests: tried, fiveHundreds: fiveHundreds.length } }));
    expect(fiveHundreds).toEqual([]);
  });

  it('answers random and hostile query strings on every GET route, API and pages, without a 5xx', async () => {
    const getRoutes = routesOf(t.app).filter((route) => route.method === 'get' && (isApi(route) || isPage(route))).map((route) => route.path);
    const browser = new BrowserSession(t.app);
    await browser.signIn(manager.email, PASSWORD);
    const queryKeys = fc.constantFrom('page', 'pageSize', 'status', 'q', 'agency', 'sort', 'normalize', 'format', 'challengeId', 'token', 'returnTo', 'saved', '__proto__', 'constructor[prototype]', 'a[b][c]');
    const queryValues = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('-1', '0', '1e309', 'NaN', '[]', '%', '%E0%A4%A', 'x'.repeat(10_000), '../../etc/passwd', '<script>'), fc.integer().map(String));
    const queries = fc.array(fc.tuple(queryKeys, queryValues), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v.startsWith('%') ? v : encodeURIComponent(v)}`).join('&'));
    let tried = 0;
    const fiveHundreds: string[] = [];
    for (const route of getRoutes) {
      const path = route.replace(/:(\w+)/g, (_, name: string) => params[name] ?? params.id);
      await fc.assert(
        fc.asyncProperty(queries, async (query) => {
          const url = `${path}?${query}`;
          const response = route.startsWith('/api/') ? await t.http.get(url).set(manager.auth) : await browser.agent.get(url);
          tried += 1;
          if (response.status >= 500) fiveHundreds.push(`GET ${url.slice(0, 200)} ${response.status}`);
        }),
        { numRuns: 15 },
      );
    }
    console.log(JSON.stringify({ hostileQueries: { routes: getRoutes.length, requests: tried, fiveHundreds: fiveHundreds.length } }));
    expect(getRoutes.length).toBeGreaterThan(50);
    expect(fiveHundreds).toEqual([]);
  });

  it('answers hostile path parameters and query strings on every route, API and pages, without a 5xx', async () => {
    // Sign-out would end the session the page requests are made in; it reads no parameter.
    const routes = routesOf(t.app).filter((route) => (isApi(route) || isPage(route)) && route.path !== '/sign-out');
    const browser = new BrowserSession(t.app);
    await browser.signIn(manager.email, PASSWORD);
    const csrf = await browser.csrfFrom('/account');
    const uuid = params.id;
    const controls = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f', '\ud800', '\udfff', '\udc00\ud800');
    const text = fc.oneof(
      fc.tuple(fc.string({ maxLength: 10 }), controls, fc.string({ maxLength: 10 })).map(([a, c, b]) => `${a}${c}${b}`),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('x'.repeat(5000), 'é'.repeat(2000), '../../etc/passwd', '<script>', ' ', '.', '..'),
    );
    const notIds = fc.constantFrom('not-a-uuid', '-'.repeat(36), 'g'.repeat(36), uuid.toUpperCase(), `${uuid}x`, `${uuid}\u0000`, ` ${uuid}`, '00000000-0000-0000-0000-000000000000', '0', '-1', 'null', '[object Object]');
    /** A value is text to percent-encode, or a raw (possibly malformed) percent-encoding sent as is. */
    type Value = { text: string } | { raw: string };
    const raw = fc.constantFrom('%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%80', '%00', '%FF%FE').map((r): Value => ({ raw: r }));
    const value = fc.oneof(text.map((v): Value => ({ text: v })), notIds.map((v): Value => ({ text: v })), raw);
    const paramValue = (name: string) => fc.oneof({ arbitrary: fc.constant<Value>({ text: params[name] ?? uuid }), weight: 1 }, { arbitrary: value, weight: 3 });
    const queryKeys = fc.oneof(fc.constantFrom('page', 'pageSize', 'status', 'q', 'agency', 'sort', 'normalize', 'format', 'challengeId', 'token', 'returnTo', 'saved', 'reminded', 'welcome', 'utm_source', 'a[b]'), text);
    const query = fc.array(fc.tuple(queryKeys, value), { maxLength: 4 });
    const encode = (v: Value) => ('raw' in v ? v.raw : wtf8Encode(v.text));
    let tried = 0;
    const fiveHundreds: string[] = [];
    for (const route of routes) {
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      await fc.assert(
        fc.asyncProperty(fc.tuple(...names.map(paramValue)), query, async (values, pairs) => {
          const path = names.reduce((built, name, i) => built.replace(`:${name}`, encode(values[i])), route.path);
          const url = pairs.length ? `${path}?${pairs.map(([k, v]) => `${wtf8Encode(k)}=${encode(v)}`).join('&')}` : path;
          const response = isApi(route)
            ? await t.http[route.method](url).set(manager.auth).send(route.method === 'get' ? undefined : {})
            : route.method === 'get'
              ? await browser.agent.get(url)
              : await browser.agent[route.method](url).type('form').send({ _csrf: csrf });
          tried += 1;
          if (response.status >= 500) fiveHundreds.push(`${route.method.toUpperCase()} ${route.path} ${response.status} ${url.slice(0, 160)}`);
          // 431 comes from Node's HTTP parser (a request line over its 16 KB limit), before the app sees the request.
          if (isApi(route) && response.status >= 400 && response.status !== 431) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        }),
        { numRuns: 20 },
      );
    }
    const failingRoutes = new Set(fiveHundreds.map((line) => line.split(' ').slice(0, 2).join(' ')));
    console.log(JSON.stringify({ hostilePathsAndQueries: { routes: routes.length, requests: tried, fiveHundreds: fiveHundreds.length, failingRoutes: failingRoutes.size } }));
    if (failingRoutes.size > 0) console.log([...failingRoutes].join('\n'));
    expect(routes.length).toBeGreaterThan(100);
    expect(fiveHundreds).toEqual([]);
  });

  it('answers random multipart entries without a 5xx, and stores only what it accepts', async () => {
    const open = await publishedChallenge(t, manager, new Date(Date.now() - 2 * 86400_000), { title: 'Multipart fuzzing', maxSubmissionsPerSolver: 100 });
    const solver = await registerVerified(t, 'fuzz.solver@solvers.example');
    const entriesOf = async () => Number((await t.db.query(`SELECT count(*) AS n FROM submissions WHERE challenge_id = $1`, [open.id]))[0].n);
    const names = fc.oneof(fc.constantFrom('title', 'summary', 'category', 'website', 'plan', 'submit', 'answers', '__proto__', 'constructor', 'plan[]', 'answers[summary]'), fc.string({ maxLength: 12 }));
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(b)])));
    const fileNames = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('../../../etc/passwd', 'a.pdf', 'x'.repeat(300) + '.pdf', '.pdf', 'con.pdf', 'report\u202Efdp.exe'));
    const part = fc.oneof(
      fc.record({ kind: fc.constant('field' as const), name: names, value: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('Software', 'Hardware', 'true', 'x'.repeat(300_000))) }),
      fc.record({ kind: fc.constant('file' as const), name: names, content: bytes, filename: fileNames.filter((n) => n.length > 0 && !/[\u0000-\u001f"]/.test(n)) }),
    );
    let tried = 0;
    let accepted = 0;
    const fiveHundreds: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(part, { maxLength: 6 }), async (startsValid, extra) => {
        // Half start as a complete entry, so hostile parts are also tried next to answers that would be accepted.
        const core = [
          { kind: 'field' as const, name: 'title', value: 'Fuzzed entry' },
          { kind: 'field' as const, name: 'summary', value: 'An idea' },
          { kind: 'field' as const, name: 'category', value: 'Software' },
        ];
        const parts = startsValid || extra.length === 0 ? [...core, ...extra] : extra;
        const before = await entriesOf();
        let request = t.http.post(`/api/v1/challenges/${open.id}/submissions`).set(solver.auth);
        for (const p of parts) {
          const name = p.name || 'unnamed';
          request = p.kind === 'field' ? request.field(name, p.value) : request.attach(name, p.content, { filename: p.filename, contentType: 'application/pdf' });
        }
        const response = await request;
        tried += 1;
        if (response.status >= 500) fiveHundreds.push(`${response.status} ${JSON.stringify(parts.map((p) => [p.kind, p.name])).slice(0, 200)}`);
        if (response.status === 201) {
          accepted += 1;
          expect(await entriesOf()).toBe(before + 1);
        } else {
          expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
          expect(await entriesOf()).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
    console.log(JSON.stringify({ hostileMultipart: { requests: tried, accepted, fiveHundreds: fiveHundreds.length } }));
    expect(accepted).toBeGreaterThan(0);
    expect(fiveHundreds).toEqual([]);
  });
});
