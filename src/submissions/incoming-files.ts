import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../common/clock';
import type { ByteSource } from './content-sniffer';

const STALE_AFTER_MS = 60 * 60 * 1000;

/** A part written to a temporary file: where, how many bytes and their SHA-256. */
export interface IncomingFile {
  path: string;
  size: number;
  sha256: string;
}

/**
 * Uploads in flight, as temporary files under DATA_DIR/incoming: written as the bytes arrive (never held in memory),
 * checked there, then moved into FileStorage or removed.
 */
export class IncomingFiles implements OnApplicationBootstrap {
  private ready?: Promise<unknown>;

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Removes what a stopped process left mid-upload. A file still arriving is written to every few milliseconds, so
   * one untouched for an hour is nobody's, even with another instance on the same DATA_DIR.
   */
  async onApplicationBootstrap(): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    const staleBefore = this.clock.now().getTime() - STALE_AFTER_MS;
    for (const name of names) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < staleBefore) await rm(path, { force: true });
    }
  }

  /** Writes `content` to a new temporary file; past `maxBytes` it stops at once, removes the file and fails with `tooLarge()`. */
  async receive(content: Readable, maxBytes: number, tooLarge: () => Error): Promise<IncomingFile> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.ready;
    const path = join(this.dir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, size, sha256: hash.digest('hex') };
  }

  /** Removes temporary files; those already moved into storage are gone and skipped. */
  async discard(paths: string[]): Promise<void> {
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  }
}

/** Reads a file's bytes where a check asks for them, through one open handle. */
export async function withFileSource<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await use({
      size,
      read: async (position, length) => {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}
