import { hkdfSync } from 'node:crypto';

/** What a key derived from SESSION_SECRET is for; each purpose gets its own, so one never verifies another's tokens. */
export type KeyPurpose = 'bearer-tokens' | 'csrf-tokens';

/** A 256-bit key for one purpose, derived from SESSION_SECRET with HKDF-SHA256 (the purpose is HKDF's info). */
export function purposeKey(sessionSecret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, '', `laurel ${purpose}`, 32));
}
