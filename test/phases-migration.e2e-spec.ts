import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { ADMIN_EMAIL, ADMIN_ENV, PASSWORD } from './support/accounts';
import { DAY } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { startTestApp, type TestApp } from './support/test-app';
import { adminQuery, prepareDatabase, withDatabase } from './support/test-database';

const PHASES_MIGRATION = 1765000000000;
const RUBRIC = [{ key: 'impact', name: 'Impact', description: 'How much it helps', weight: 2, maxScore: 10 }];
const FIELDS = [{ key: 'summary', label: 'Summary', type: 'textarea', required: true }];

/** A wave-1 challenge row: its facts relative to the test's moment, and the status wave 1 gave it. */
interface Wave1Challenge {
  slug: string;
  status: string;
  published?: number;
  opens?: number;
  closes?: number;
  closedEarly?: number;
  judgingStarted?: number;
  announced?: number;
  cancelled?: number;
  firstEntry?: number;
}

const WAVE_1: Wave1Challenge[] = [
  { slug: 'was-draft', status: 'draft', opens: 1, closes: 30 },
  { slug: 'was-upcoming', status: 'upcoming', published: -1, opens: 2, closes: 30 },
  { slug: 'was-open', status: 'open', published: -5, opens: -4, closes: 20, firstEntry: -3 },
  { slug: 'was-closed', status: 'closed', published: -40, opens: -30, closes: -1, firstEntry: -20 },
  { slug: 'was-closed-early', status: 'closed', published: -10, opens: -9, closes: 20, closedEarly: -2, firstEntry: -8 },
  { slug: 'was-judging', status: 'judging', published: -40, opens: -30, closes: -10, judgingStarted: -9, firstEntry: -20 },
  { slug: 'was-announced', status: 'announced', published: -90, opens: -80, closes: -60, judgingStarted: -59, announced: -30, firstEntry: -70 },
  { slug: 'was-cancelled', status: 'cancelled', published: -10, opens: -9, closes: 20, cancelled: -1 },
];

/**
 * The phases migration on a database the wave-1 schema filled: every challenge becomes one phase and answers the
 * API as wave 1 did (status, timeline, rubric, form, frozen form), its entries and assignments move into that phase.
 */
describe('phases migration', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const clock = new FakeClock(now);
  const at = (days?: number) => (days === undefined ? null : new Date(now.getTime() + days * DAY));
  let url: string;
  let cleanup: () => Promise<void>;
  let t: TestApp;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      const name = `laurel_migration_${process.pid}`;
      await adminQuery(process.env.DATABASE_URL, `DROP DATABASE IF EXISTS ${name}`);
      await adminQuery(process.env.DATABASE_URL, `CREATE DATABASE ${name}`);
      url = withDatabase(process.env.DATABASE_URL, name);
      cleanup = () => adminQuery(process.env.DATABASE_URL!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'laurel-migration-'));
      const embedded = await startEmbeddedPostgres(dir);
      url = embedded.url;
      cleanup = async () => {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    const wave1 = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS.filter((m) => Number(m.name.replace(/\D/g, '')) < PHASES_MIGRATION) });
    await wave1.initialize();
    await wave1.runMigrations({ transaction: 'all' });
    const [owner] = await wave1.query(`INSERT INTO users (email, name, password_hash, roles, email_verified_at) VALUES ('wave1.owner@agency.example.gov', 'Wave One', 'x', '{solver,manager}', now()) RETURNING id`);
    const [solver] = await wave1.query(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ('wave1.solver@solvers.example', 'Wave Solver', 'x', now()) RETURNING id`);
    const [judgeUser] = await wave1.query(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ('wave1.judge@panel.example', 'Wave Judge', 'x', now()) RETURNING id`);
    for (const c of WAVE_1) {
      const [row] = await wave1.query(
        `INSERT INTO challenges (slug, owner_id, title, tagline, description, agency, rules, eligibility, prize_amount, opens_at, closes_at, judging_ends_at,
           judges_per_submission, rubric, fields, published_at, closed_early_at, judging_started_at, announced_at, cancelled_at, first_entry_at, assignment_seed)
         VALUES ($1, $2, $1, 'Tagline', 'Description', 'Agency', 'Rules', 'Eligibility', 1000, $3, $4, $5, 2, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [c.slug, owner.id, at(c.opens), at(c.closes), at((c.closes ?? 0) + 15), JSON.stringify(RUBRIC), JSON.stringify(FIELDS), at(c.published), at(c.closedEarly), at(c.judgingStarted), at(c.announced), at(c.cancelled), at(c.firstEntry), c.judgingStarted === undefined ? null : 42],
      );
      await wave1.query(`INSERT INTO challenge_managers (challenge_id, user_id, role) VALUES ($1, $2, 'owner')`, [row.id, owner.id]);
      if (c.firstEntry === undefined) continue;
      const [entry] = await wave1.query(
        `INSERT INTO submissions (challenge_id, solver_id, title, answers, status, slot, receipt, submitted_at) VALUES ($1, $2, 'Wave entry', '{"summary":"x"}', 'submitted', 1, $3, $4) RETURNING id`,
        [row.id, solver.id, `WAV-2026-${c.slug}`, at(c.firstEntry)],
      );
      if (c.judgingStarted === undefined) continue;
      const [judge] = await wave1.query(
        `INSERT INTO judges (challenge_id, email, name, user_id, status, invitation_hash, invited_at) VALUES ($1, 'wave1.judge@panel.example', 'Wave Judge', $2, 'accepted', $3, now()) RETURNING id`,
        [row.id, judgeUser.id, `hash-${c.slug}`],
      );
      await wave1.query(`INSERT INTO assignments (challenge_id, submission_id, judge_id, status, created_at, updated_at) VALUES ($1, $2, $3, 'submitted', now(), now())`, [row.id, entry.id, judge.id]);
    }
    await wave1.destroy();
    await prepareDatabase(url);
    t = await startTestApp({ clock, env: ADMIN_ENV, routeDatabase: async () => url });
  });
  afterAll(async () => {
    await t.close();
    await cleanup();
  });

  it('turns every wave-1 challenge into one phase that answers the API as before', async () => {
    const token = (await t.http.post('/api/v1/auth/token').send({ email: ADMIN_EMAIL, password: PASSWORD }).expect(200)).body.accessToken;
    for (const c of WAVE_1) {
      const view = (await t.http.get(`/api/v1/challenges/${c.slug}`).set('Authorization', `Bearer ${token}`).expect(200)).body;
      expect({
        slug: view.slug,
        status: view.status,
        opensAt: view.opensAt,
        closesAt: view.closesAt,
        judgingEndsAt: view.judgingEndsAt,
        rubric: view.rubric,
        fields: view.fields,
        judgesPerSubmission: view.judgesPerSubmission,
        formFrozen: view.formFrozen,
        phases: view.phases.map((p: { number: number; name: string }) => [p.number, p.name]),
        currentPhase: view.currentPhase,
      }).toEqual({
        slug: c.slug,
        status: c.status,
        opensAt: at(c.opens)?.toISOString() ?? null,
        closesAt: at(c.closes)?.toISOString() ?? null,
        judgingEndsAt: at((c.closes ?? 0) + 15)?.toISOString() ?? null,
        rubric: RUBRIC,
        fields: FIELDS,
        judgesPerSubmission: 2,
        formFrozen: c.firstEntry !== undefined,
        phases: [[1, 'Entries']],
        currentPhase: 1,
      });
    }
  });

  it('moves entries and assignments into the one phase, so judging and its ranking still work', async () => {
    const token = (await t.http.post('/api/v1/auth/token').send({ email: ADMIN_EMAIL, password: PASSWORD }).expect(200)).body.accessToken;
    const [{ orphans }] = await t.db.query(
      `SELECT (SELECT count(*) FROM submissions s LEFT JOIN challenge_phases p ON p.id = s.phase_id AND p.challenge_id = s.challenge_id WHERE p.id IS NULL)
            + (SELECT count(*) FROM assignments a JOIN submissions s ON s.id = a.submission_id WHERE a.phase_id <> s.phase_id) AS orphans`,
    );
    expect(Number(orphans)).toBe(0);
    const judging = (await t.http.get('/api/v1/challenges/was-judging').set('Authorization', `Bearer ${token}`)).body;
    const entries = (await t.http.get(`/api/v1/challenges/${judging.id}/submissions`).set('Authorization', `Bearer ${token}`).expect(200)).body;
    expect(entries.total).toBe(1);
    const ranking = (await t.http.get(`/api/v1/challenges/${judging.id}/ranking`).set('Authorization', `Bearer ${token}`).expect(200)).body;
    expect(ranking).toHaveLength(1);
    const progress = (await t.http.get(`/api/v1/challenges/${judging.id}/judging/progress`).set('Authorization', `Bearer ${token}`).expect(200)).body;
    expect(progress.overall).toMatchObject({ assigned: 1, submitted: 1 });
    const announced = (await t.http.get('/api/v1/challenges/was-announced')).body;
    expect(announced.phases[0].status).toBe('decided');
  });
});
