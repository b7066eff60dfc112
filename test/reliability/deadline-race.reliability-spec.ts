import { JwtService } from '@nestjs/jwt';
import { grantRoles, PASSWORD, registerVerified } from '../support/accounts';
import { completeChallenge } from '../support/challenges';
import { startTestApp, type TestApp } from '../support/test-app';

/** 200 submissions scheduled across closesAt on the real clock: accepted exactly while open, nothing after. */
describe('deadline race', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAIL: 'admin@laurel.test', ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(() => t.close());

  it('accepts no entry whose commit came at or after closesAt, and every one answered before it', async () => {
    const manager = await registerVerified(t, 'race.manager@agency.example.gov');
    await grantRoles(t, manager, ['manager']);
    const closesAt = new Date(Date.now() + 4000);
    const body = completeChallenge(new Date(), { opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: closesAt.toISOString(), maxSubmissionsPerSolver: 1 });
    const created = await t.http.post('/api/v1/challenges').set(manager.auth).send(body).expect(201);
    await t.http.post(`/api/v1/challenges/${created.body.id}/publish`).set(manager.auth).expect(200);

    const solvers: { id: string }[] = await t.db.query(
      `INSERT INTO users (email, name, password_hash, email_verified_at)
       SELECT 'racer' || n || '@solvers.example', 'Racer ' || n, 'not-a-hash', now() FROM generate_series(1, 200) n RETURNING id`,
    );
    const jwt = t.app.get(JwtService);
    const tokens = solvers.map((s) => jwt.sign({ sub: s.id, ver: 0 }, { expiresIn: 600 }));
    const answers = { summary: 'Racing the deadline', category: 'Hardware' };

    // Start times spread evenly from 600 ms before closesAt to 400 ms after it.
    const results = await Promise.all(
      tokens.map(async (token, i) => {
        const startAt = closesAt.getTime() - 600 + i * 5;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
        const started = Date.now();
        const response = await t.http.post(`/api/v1/challenges/${created.body.id}/submissions`).set('Authorization', `Bearer ${token}`).send({ title: `Racer ${i}`, answers, submit: true });
        return { status: response.status, started, finished: Date.now(), id: response.body.id as string | undefined };
      }),
    );

    const rows: { id: string; submitted_at: Date }[] = await t.db.query(`SELECT id, submitted_at FROM submissions WHERE challenge_id = $1`, [created.body.id]);
    const accepted = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(accepted.map((r) => r.id)));
    for (const row of rows) expect(row.submitted_at.getTime()).toBeLessThan(closesAt.getTime());
    for (const r of results) {
      if (r.finished < closesAt.getTime()) expect(r.status).toBe(201);
      if (r.started >= closesAt.getTime()) expect(r.status).toBe(409);
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(200);
    console.log(JSON.stringify({ deadlineRace: { fired: 200, accepted: accepted.length, refused: 200 - accepted.length, rows: rows.length } }));
  });
});
