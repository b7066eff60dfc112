import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id (algorithm 2 in @node-rs/argon2) with its OWASP-level defaults: 19 MiB, 2 passes. */
const ARGON2ID = 2;

@Injectable()
export class PasswordHasher {
  /** A real hash of a random password, verified against when the account does not exist (same timing). */
  private readonly decoy = hash('decoy password that matches nothing', { algorithm: ARGON2ID });

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID });
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
