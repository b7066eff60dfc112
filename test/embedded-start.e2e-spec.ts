import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, type RunningApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { PASSWORD } from './support/accounts';

/** The path `npm start` takes on a fresh machine: no DATABASE_URL, no SMTP_URL, everything under DATA_DIR. */
describe('start-up on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-embedded-'));
  let running: RunningApp | undefined;

  const start = async (env: Record<string, string> = {}) => {
    running = await createApp(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', ...env }), ['error']);
    await running.app.init();
    return request(running.app.getHttpServer());
  };

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, serves pages and health, and saves mail as .eml files listed in the dev mailbox', async () => {
    const http = await start();
    expect((await http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'up' });
    expect((await http.get('/sign-up').expect(200)).text).toContain('Create an account');

    await http.post('/api/v1/auth/register').send({ email: 'first@example.gov', password: PASSWORD, name: 'First User' }).expect(201);
    const mailDir = join(dataDir, 'mail');
    for (let i = 0; i < 100 && !readdirSync(mailDir).some((f) => f.endsWith('.eml')); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [file] = readdirSync(mailDir);
    expect(file).toMatch(/-verify-email-[0-9a-f-]+\.eml$/);

    const mailbox = await http.get('/dev/mail').expect(200);
    expect(mailbox.text).toContain('Confirm your email address for Laurel');
    const message = await http.get(`/dev/mail/${file}`).expect(200);
    expect(message.text).toContain('first@example.gov');
    expect(message.text).toContain('/verify-email?token');
    await http.get('/dev/mail/..%2F..%2Fsecrets%2Fsession-secret').expect(404);
  });

  it('keeps its data and secret under DATA_DIR across restarts, and hides the mailbox from non-admins in production', async () => {
    const http = await start({ NODE_ENV: 'production' });
    await http.post('/api/v1/auth/token').send({ email: 'first@example.gov', password: PASSWORD }).expect(200);
    expect(readdirSync(join(dataDir, 'secrets'))).toEqual(['session-secret']);
    const anonymous = await http.get('/dev/mail');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fdev%2Fmail');
  });
});
