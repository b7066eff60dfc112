import { get } from 'node:http';
import { ADMIN_ENV, grantRoles, registerVerified } from './support/accounts';
import { publishedChallenge } from './support/challenges';
import { startTestApp, type TestApp } from './support/test-app';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
}

describe('static assets and page metadata', () => {
  let t: TestApp;
  let stylesheet: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV, listen: true });
    const home = await t.http.get('/').expect(200);
    stylesheet = /<link rel="stylesheet" href="([^"]+uswds\.min\.css)">/.exec(home.text)![1]!;
  });
  afterAll(() => t.close());

  /** The body as sent on the wire (supertest would decode it): its length in bytes. */
  const raw = (path: string, encoding?: string) =>
    new Promise<RawResponse>((resolve, reject) => {
      get(`${t.config.publicUrl}${path}`, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, bytes }));
      }).on('error', reject);
    });

  it('links pages to versioned asset URLs', () => {
    expect(stylesheet).toMatch(/^\/assets\/[0-9a-f]{12}\/uswds\/css\/uswds\.min\.css$/);
  });

  it('sends the stylesheet compressed with brotli or gzip, as the client accepts', async () => {
    const plain = await raw(stylesheet);
    const brotli = await raw(stylesheet, 'br, gzip');
    const gzip = await raw(stylesheet, 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes).toBeGreaterThan(400_000);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toMatch(/Accept-Encoding/i);
    expect(brotli.bytes).toBeLessThan(plain.bytes / 5);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.bytes).toBeLessThan(plain.bytes / 4);
  });

  it('caches versioned URLs for a year as immutable; the unversioned and stale ones still work without that', async () => {
    expect((await raw(stylesheet)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const app = await raw(stylesheet.replace('/uswds/css/uswds.min.css', '/app/app.css'));
    expect(app.status).toBe(200);
    expect(app.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const unversioned = await raw('/assets/uswds/css/uswds.min.css');
    expect(unversioned.status).toBe(200);
    expect(unversioned.headers['cache-control']).not.toContain('immutable');
    const stale = await raw(stylesheet.replace(/\/assets\/[0-9a-f]{12}\//, '/assets/000000000000/'));
    expect(stale.status).toBe(200);
    expect(stale.headers['cache-control']).toBe('no-cache');
    expect((await raw(stylesheet.replace('uswds.min.css', 'missing.css'))).status).toBe(404);
  });

  it('describes every page: the challenge by its tagline, the rest with a default', async () => {
    const manager = await registerVerified(t, 'pm@agency.example.gov', 'Pat Manager');
    await grantRoles(t, manager, ['manager']);
    const challenge = await publishedChallenge(t, manager, new Date(), { tagline: 'Sensors that tell a town its water is "safe" & clean.' });
    const detail = await t.http.get(`/challenges/${challenge.slug}`).expect(200);
    expect(detail.text).toContain('<meta name="description" content="Sensors that tell a town its water is &quot;safe&quot; &amp; clean.">');
    for (const path of ['/', '/sign-in', '/sign-up']) {
      const page = await t.http.get(path).expect(200);
      expect(page.text).toMatch(/<meta name="description" content="[^"]{40,}">/);
    }
  });

  it('gives every image its width and height', async () => {
    const home = await t.http.get('/').expect(200);
    const images = home.text.match(/<img [^>]+>/g) ?? [];
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/ width="\d+" height="\d+"/);
  });
});
