import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ADMIN_ENV, grantRoles, registerVerified, type TestAccount } from './support/accounts';
import { HOUR, publishedChallenge } from './support/challenges';
import { FakeClock } from './support/fake-clock';
import { startTestApp, type TestApp } from './support/test-app';

const MB = 1024 * 1024;

/** A one-entry ZIP archive (local header, data, central directory) whose entry inflates to `inflatedBytes` zeros. */
function zipBomb(inflatedBytes: number): Buffer {
  const name = Buffer.from('zeros.bin');
  const data = deflateRawSync(Buffer.alloc(inflatedBytes), { level: 9 });
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(inflatedBytes, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(inflatedBytes, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

const PDF_HTML_POLYGLOT = Buffer.from('%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n');
const GIF_SCRIPT_POLYGLOT = Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);//<script>alert(1)</script>');
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);

/**
 * Hostile uploads to the multipart entry route: polyglots, renamed files, a ZIP bomb, path-traversal and header-
 * injection names, malformed multipart. Nothing is decompressed or executed; names never reach the disk or a header raw.
 */
describe('hostile uploads', () => {
  const clock = new FakeClock(new Date('2027-05-01T12:00:00Z'));
  let t: TestApp;
  let challengeId: string;
  let solvers: TestAccount[];
  let next = 0;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: ADMIN_ENV });
    const manager = await registerVerified(t, 'uploads.manager@agency.example.gov');
    await grantRoles(t, manager, ['manager']);
    const challenge = await publishedChallenge(t, manager, clock.now(), {
      maxSubmissionsPerSolver: 50,
      fields: [
        { key: 'summary', label: 'Summary', type: 'textarea', required: true },
        { key: 'plan', label: 'Plan', type: 'file', required: false, accept: ['application/pdf'], maxBytes: MB },
        { key: 'picture', label: 'Picture', type: 'file', required: false, accept: ['image/gif', 'image/png'], maxBytes: MB },
        { key: 'bundle', label: 'Bundle', type: 'file', required: false, accept: ['application/zip'], maxBytes: MB },
      ],
    });
    challengeId = challenge.id;
    clock.set(new Date(new Date(challenge.opensAt).getTime() + HOUR));
    solvers = [await registerVerified(t, 'uploader@solvers.example')];
  });
  afterAll(() => t.close());

  const upload = (field: string, content: Buffer, filename: string) =>
    t.http
      .post(`/api/v1/challenges/${challengeId}/submissions`)
      .set(solvers[0].auth)
      .field('title', `Upload ${(next += 1)}`)
      .field('summary', 'Hostile file attached')
      .attach(field, content, { filename, contentType: 'application/pdf' });
  const counts = async () => (await t.db.query(`SELECT (SELECT count(*) FROM submissions) AS s, (SELECT count(*) FROM submission_files) AS f`))[0];
  const download = async (entryId: string) => {
    const entry = await t.http.get(`/api/v1/submissions/${entryId}`).set(solvers[0].auth).expect(200);
    const [file] = entry.body.files;
    return { file, response: await t.http.get(file.url).set(solvers[0].auth).buffer(true).parse((res, done) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => done(null, Buffer.concat(chunks))); }).expect(200) };
  };

  it('refuses renamed and scriptable files by their bytes, whatever their name or declared type, and keeps nothing', async () => {
    const before = await counts();
    for (const [field, content, name] of [
      ['plan', HTML, 'plan.pdf'],
      ['plan', EXE, 'plan.pdf'],
      ['picture', SVG, 'picture.gif'],
      ['picture', PDF_HTML_POLYGLOT, 'picture.png'],
      ['bundle', EXE, 'bundle.zip'],
      ['summary', PDF_HTML_POLYGLOT, 'plan.pdf'],
    ] as const) {
      const response = await upload(field, content, name);
      expect([415, 422]).toContain(response.status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await counts()).toEqual(before);
  });

  it('stores polyglots only as the type their bytes declare, and serves them as sandboxed downloads', async () => {
    for (const [field, content, type] of [
      ['plan', PDF_HTML_POLYGLOT, 'application/pdf'],
      ['picture', GIF_SCRIPT_POLYGLOT, 'image/gif'],
    ] as const) {
      const created = await upload(field, content, 'innocent.html').expect(201);
      const { file, response } = await download(created.body.id);
      expect(file.contentType).toBe(type);
      expect(file.name).not.toMatch(/\.html$/);
      expect(response.headers['content-type']).toBe(type);
      expect(response.headers['content-disposition']).toMatch(/^attachment;/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(Buffer.compare(response.body as Buffer, content)).toBe(0);
    }
  });

  it('keeps a ZIP bomb as an opaque archive without inflating it', async () => {
    const bomb = zipBomb(200 * MB);
    expect(bomb.length).toBeLessThan(MB);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const created = await upload('bundle', bomb, 'bomb.zip').expect(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
    const { file } = await download(created.body.id);
    expect(file).toMatchObject({ contentType: 'application/zip', size: bomb.length });
  });

  it('never lets a file name choose a path on disk or inject a header', async () => {
    const names = ['../../../../etc/passwd.pdf', '..\\..\\windows\\win.ini.pdf', 'report\r\nSet-Cookie: stolen=1.pdf', 'evil\u202Efdp.exe', `${'a'.repeat(5000)}.pdf`, '.htaccess', 'nul\u0000byte.pdf'];
    for (const name of names) {
      const created = await upload('plan', Buffer.from('%PDF-1.4\n%%EOF\n'), name);
      if (created.status === 400) {
        // A NUL in a part header is malformed multipart: refused before any file is read.
        expect(created.body.detail).toMatch(/Malformed part header/);
        continue;
      }
      expect(created.status).toBe(201);
      const { file, response } = await download(created.body.id);
      expect(file.name).toMatch(/^[\p{L}\p{N} ._()-]{1,104}\.pdf$/u);
      expect(file.name).not.toMatch(/\.\.|[\\/\r\n\u0000\u202E]/);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.headers['content-disposition']).not.toMatch(/[\r\n]/);
    }
    const uploads = join(t.config.dataDir, 'uploads');
    const stored = readdirSync(uploads, { recursive: true }) as string[];
    expect(stored.every((path) => /^[0-9a-f-]{36}([\\/][0-9a-f-]{36})?$/.test(path))).toBe(true);
  });

  it('looks up the challenge and its form before accepting any part', async () => {
    const manyFields = (request: ReturnType<typeof t.http.post>) => {
      for (let i = 0; i < 250; i += 1) request.field(`f${i}`, 'x');
      return request;
    };
    const unknown = await manyFields(t.http.post(`/api/v1/challenges/${randomUUID()}/submissions`).set(solvers[0].auth));
    expect(unknown.status).toBe(404);
    const manager = await registerVerified(t, 'uploads.closed@agency.example.gov');
    await grantRoles(t, manager, ['manager']);
    const draft = await t.http.post('/api/v1/challenges').set(manager.auth).send({ title: 'Not yet published' }).expect(201);
    const unpublished = await manyFields(t.http.post(`/api/v1/challenges/${draft.body.id}/submissions`).set(solvers[0].auth));
    expect(unpublished.status).toBe(404);
  });

  it('holds each part to its own field: a file over its field limit is 413, an answer over its length is 422', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MB)]);
    const tooBig = await upload('plan', big, 'plan.pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.errors).toEqual([{ field: 'answers.plan', message: `must be at most ${MB} bytes` }]);
    const long = await t.http
      .post(`/api/v1/challenges/${challengeId}/submissions`)
      .set(solvers[0].auth)
      .field('title', 'Long answer')
      .field('summary', 'x'.repeat(300 * 1024));
    expect(long.status).toBe(422);
    expect(long.body.errors).toEqual([{ field: 'answers.summary', message: 'must be at most 20000 characters' }]);
  });

  it('answers 413 as soon as a file passes its field limit, without waiting for the rest of the body', async () => {
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const boundary = '----laurel-early';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nEarly\r\n--${boundary}\r\nContent-Disposition: form-data; name="plan"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`;
    const sending = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/challenges/${challengeId}/submissions`,
      headers: { ...solvers[0].auth, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + 50 * MB) },
    });
    const answered = new Promise<number | undefined>((resolve) => {
      sending.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      sending.on('error', () => resolve(undefined));
    });
    sending.write(head);
    sending.write(Buffer.alloc(2 * MB));
    // The other 48 MB the request declares are never sent.
    const status = await Promise.race([answered, new Promise((resolve) => setTimeout(() => resolve('no answer within 5 s'), 5_000))]);
    sending.destroy();
    expect(status).toBe(413);
  });

  it('leaves no file and no row when an entry is refused after one of its files was received', async () => {
    const before = await counts();
    const uploads = join(t.config.dataDir, 'uploads');
    const stored = () => (existsSync(uploads) ? (readdirSync(uploads, { recursive: true }) as string[]).length : 0);
    const storedBefore = stored();
    const refused = await t.http
      .post(`/api/v1/challenges/${challengeId}/submissions`)
      .set(solvers[0].auth)
      .field('title', 'Half an entry')
      .field('summary', 'Two files, the second too large')
      .attach('plan', Buffer.from('%PDF-1.4\n%%EOF\n'), 'plan.pdf')
      .attach('picture', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(2 * MB)]), 'picture.gif');
    expect(refused.status).toBe(413);
    expect(await counts()).toEqual(before);
    expect(stored()).toBe(storedBefore);
    const incoming = join(t.config.dataDir, 'incoming');
    expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]);
  });

  it('answers malformed multipart with a 4xx problem, never a 5xx, and keeps nothing', async () => {
    const before = await counts();
    const url = `/api/v1/challenges/${challengeId}/submissions`;
    const boundary = '----laurel';
    const bodies: [string, string | Buffer][] = [
      [`multipart/form-data`, `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nNo boundary\r\n--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nTruncated`],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="plan"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}\r\nContent-Disposition: form-data; name="plan"; filename="b.pdf"\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{"admin":true}\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nProto\r\n--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, Array.from({ length: 300 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + `--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="plan"; filename="big.pdf"\r\n\r\n%PDF-1.4\n${'x'.repeat(3 * MB)}\r\n--${boundary}--\r\n`],
    ];
    for (const [contentType, body] of bodies) {
      const response = await t.http.post(url).set(solvers[0].auth).set('Content-Type', contentType).send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await counts()).toEqual(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
