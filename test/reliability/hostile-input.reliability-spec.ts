import fc from 'fast-check';
import { ADMIN_ENV, grantRoles, registerVerified, type TestAccount } from '../support/accounts';
import { publishedChallenge } from '../support/challenges';
import { startTestApp, type TestApp } from '../support/test-app';

interface Route {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

/** Every API route that takes a body, read from the running app's router (a new route is covered automatically). */
function writeRoutes(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack
    .filter((layer) => layer.route?.path.startsWith('/api/v1/'))
    .flatMap((layer) => Object.keys(layer.route!.methods).filter((m) => ['post', 'put', 'patch'].includes(m)).map((method) => ({ method: method as Route['method'], path: layer.route!.path })));
}

const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '$where', 'isAdmin', 'roles', 'ownerId', 'id');
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 50 }),
  fc.constant('x'.repeat(100_000)),
  fc.constant(-1e308),
  fc.constant('<script>alert(1)</script>'),
  fc.constant({ $gt: '' }),
  fc.array(fc.constant([[[[[[[[[[{}]]]]]]]]]]), { maxLength: 3 }),
);
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
});
