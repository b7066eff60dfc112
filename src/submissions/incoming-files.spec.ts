import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FakeClock } from '../../test/support/fake-clock';
import { IncomingFiles } from './incoming-files';

describe('IncomingFiles', () => {
  let dir: string;
  const clock = new FakeClock(new Date('2026-06-01T12:00:00Z'));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'laurel-incoming-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a part with its size and SHA-256, and stops past maxBytes leaving no file', async () => {
    const incoming = new IncomingFiles(dir, clock);
    const file = await incoming.receive(Readable.from([Buffer.from('hello '), Buffer.from('world')]), 11, () => new Error('too large'));
    expect(file).toMatchObject({ size: 11, sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' });
    await expect(incoming.receive(Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), 10, () => new Error('too large'))).rejects.toThrow('too large');
    expect(readdirSync(dir)).toEqual([file.path.slice(dir.length + 1)]);
  });

  it('removes, at start-up, temporary files a stopped process left behind, and keeps recent ones', async () => {
    writeFileSync(join(dir, 'left-by-a-crash'), 'x');
    const twoHoursAgo = new Date(clock.now().getTime() - 2 * 60 * 60 * 1000);
    utimesSync(join(dir, 'left-by-a-crash'), twoHoursAgo, twoHoursAgo);
    writeFileSync(join(dir, 'arriving-now'), 'x');
    utimesSync(join(dir, 'arriving-now'), clock.now(), clock.now());
    await new IncomingFiles(dir, clock).onApplicationBootstrap();
    expect(readdirSync(dir)).toEqual(['arriving-now']);
  });
});
