import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe token (256 bits) and the SHA-256 that is stored in its place. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
