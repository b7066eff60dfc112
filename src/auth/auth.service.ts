import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { ConflictError, InvalidCredentialsError, RateLimitedError, ValidationFailedError } from '../common/errors/domain-errors';
import { RateLimiter } from '../common/rate-limiter';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/postgres-errors';
import { OutboxService } from '../notifications/outbox.service';
import { AUTH_RATE_LIMITS, type AuthRateLimits } from './auth-rate-limits';
import type { PasswordResetConfirmDto, RegisterDto, SignInDto } from './dto/auth.dto';
import { EmailToken, type EmailTokenPurpose } from './email-token.entity';
import { PasswordHasher } from './password-hasher';
import { hashSecretToken, newSecretToken } from './secret-token';
import { User } from './user.entity';
import { WebSession } from './web-session.entity';

export const ACCESS_TOKEN_SECONDS = 60 * 60;
const SESSION_SECONDS = 7 * 24 * 60 * 60;
const TOKEN_LIFETIME_SECONDS: Record<EmailTokenPurpose, number> = {
  'verify-email': 48 * 60 * 60,
  'password-reset': 60 * 60,
};

const accountFailureKey = (email: string) => `account-sign-in-failures:${email}`;

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Who is asking, for rate limits: the client address. */
export interface ClientContext {
  ip: string;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly outbox: OutboxService,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    @Inject(AUTH_RATE_LIMITS) private readonly limits: AuthRateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(input: RegisterDto, client: ClientContext): Promise<User> {
    await this.limiter.hit(`register:${client.ip}`, this.limits.registerPerClient);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.db.transaction(async (tx) => {
        const user = await tx.getRepository(User).save(
          tx.getRepository(User).create({
            email: input.email,
            name: input.name,
            passwordHash,
            roles: ['solver'],
            emailVerifiedAt: null,
          }),
        );
        await this.sendVerification(tx, user);
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) {
        throw new ConflictError('An account with this email address already exists.', 'email-taken');
      }
      throw error;
    }
  }

  /**
   * An account whose address is already proven (the person followed a link sent to it), created inside the
   * caller's transaction. 409 if the address has an account: that person signs in instead.
   */
  async createVerifiedAccount(tx: EntityManager, email: string, name: string, password: string): Promise<User> {
    const users = tx.getRepository(User);
    if (await users.existsBy({ email })) {
      throw new ConflictError('An account with this email address already exists: sign in to continue.', 'email-taken');
    }
    const user = users.create({ email, name, passwordHash: await this.hasher.hash(password), roles: ['solver'], emailVerifiedAt: this.clock.now() });
    return users.save(user);
  }

  /** The person proved the address some other way (they followed a link sent to it), inside the caller's transaction. */
  async markVerified(tx: EntityManager, userId: string): Promise<void> {
    await tx.getRepository(User).update({ id: userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: this.clock.now() });
  }

  accountExists(email: string): Promise<boolean> {
    return this.db.getRepository(User).existsBy({ email });
  }

  async resendVerification(user: User): Promise<void> {
    if (user.emailVerifiedAt) return;
    await this.limiter.hit(`verify-resend:${user.id}`, this.limits.resetPerAddress);
    await this.db.transaction((tx) => this.sendVerification(tx, user));
  }

  async verifyEmail(token: string): Promise<User> {
    return this.db.transaction(async (tx) => {
      const record = await this.consumeToken(tx, 'verify-email', token);
      const users = tx.getRepository(User);
      await users.update({ id: record.userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: this.clock.now() });
      return users.findOneByOrFail({ id: record.userId });
    });
  }

  /**
   * Checks credentials. Every attempt counts as a failure (per address and client, and per address from anywhere)
   * before the password is checked, so parallel guesses cannot all pass one count; a success takes them back.
   */
  async authenticate(input: SignInDto, client: ClientContext): Promise<User> {
    const failureKey = `sign-in-failures:${client.ip}:${input.email}`;
    await this.limiter.hit(`sign-in:${client.ip}`, this.limits.signInPerClient);
    await this.limiter.hit(failureKey, this.limits.signInFailures);
    await this.limiter.hit(accountFailureKey(input.email), this.limits.signInFailuresPerAccount);
    const user = await this.db.getRepository(User).findOneBy({ email: input.email });
    const valid = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !valid) throw new InvalidCredentialsError();
    await this.limiter.reset(failureKey, this.limits.signInFailures);
    await this.limiter.reset(accountFailureKey(input.email), this.limits.signInFailuresPerAccount);
    return user;
  }

  async issueAccessToken(input: SignInDto, client: ClientContext): Promise<AccessToken> {
    const user = await this.authenticate(input, client);
    return this.accessTokenFor(user);
  }

  async accessTokenFor(user: User): Promise<AccessToken> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, ver: user.tokenVersion }, { expiresIn: ACCESS_TOKEN_SECONDS });
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS };
  }

  /** Always succeeds from the caller's view, so it never tells whether an address has an account. */
  async requestPasswordReset(email: string, client: ClientContext): Promise<void> {
    await this.limiter.hit(`reset-requests:${client.ip}`, this.limits.resetPerClient);
    const user = await this.db.getRepository(User).findOneBy({ email });
    if (!user) return;
    try {
      await this.limiter.hit(`reset:${email}`, this.limits.resetPerAddress);
    } catch (error) {
      if (error instanceof RateLimitedError) return;
      throw error;
    }
    await this.db.transaction(async (tx) => {
      const { token, id } = await this.createToken(tx, user, 'password-reset');
      await this.outbox.enqueue(tx, [
        {
          template: 'password-reset',
          to: user.email,
          dedupeKey: `password-reset:${id}`,
          data: { name: user.name, link: `${this.config.publicUrl}/reset-password?token=${token}`, validMinutes: 60 },
        },
      ]);
    });
  }

  /**
   * Sets the new password, ends every session, invalidates every bearer token issued so far and lifts the account's
   * sign-in cap (the owner proved control of the address). The token is checked before the (deliberately slow) hash,
   * so a bad link costs a lookup, not an argon2 run; using it stays in the transaction, under its row lock.
   */
  async confirmPasswordReset(input: PasswordResetConfirmDto, client: ClientContext): Promise<void> {
    await this.limiter.hit(`reset-confirm:${client.ip}`, this.limits.resetConfirmPerClient);
    await this.usableToken(this.db.manager, 'password-reset', input.token);
    const passwordHash = await this.hasher.hash(input.password);
    const user = await this.db.transaction(async (tx) => {
      const record = await this.consumeToken(tx, 'password-reset', input.token);
      // A reset proves control of the address, so it verifies the address too.
      await tx.query(
        `UPDATE users SET password_hash = $2, token_version = token_version + 1,
           email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1`,
        [record.userId, passwordHash, this.clock.now()],
      );
      await tx.getRepository(WebSession).delete({ userId: record.userId });
      return tx.getRepository(User).findOneByOrFail({ id: record.userId });
    });
    await this.limiter.reset(accountFailureKey(user.email), this.limits.signInFailuresPerAccount);
  }

  async startSession(user: User): Promise<{ token: string; maxAgeMs: number }> {
    const { token, hash } = newSecretToken();
    const now = this.clock.now();
    await this.db.getRepository(WebSession).insert({
      tokenHash: hash,
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_SECONDS * 1000),
    });
    return { token, maxAgeMs: SESSION_SECONDS * 1000 };
  }

  async userForSession(token: string): Promise<User | null> {
    const rows: { user_id: string }[] = await this.db.query(
      'SELECT user_id FROM web_sessions WHERE token_hash = $1 AND expires_at > $2',
      [hashSecretToken(token), this.clock.now()],
    );
    if (rows.length === 0) return null;
    return this.db.getRepository(User).findOneBy({ id: rows[0].user_id });
  }

  async endSession(token: string): Promise<void> {
    await this.db.getRepository(WebSession).delete({ tokenHash: hashSecretToken(token) });
  }

  private async sendVerification(tx: EntityManager, user: User): Promise<void> {
    const { token, id } = await this.createToken(tx, user, 'verify-email');
    await this.outbox.enqueue(tx, [
      {
        template: 'verify-email',
        to: user.email,
        dedupeKey: `verify-email:${id}`,
        data: { name: user.name, link: `${this.config.publicUrl}/verify-email?token=${token}` },
      },
    ]);
  }

  private async createToken(tx: EntityManager, user: User, purpose: EmailTokenPurpose): Promise<{ token: string; id: string }> {
    const { token, hash } = newSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + TOKEN_LIFETIME_SECONDS[purpose] * 1000);
    const record = await tx.getRepository(EmailToken).save({ userId: user.id, purpose, tokenHash: hash, expiresAt, usedAt: null });
    return { token, id: record.id };
  }

  /** Marks a valid, unused, unexpired token as used; the row lock makes a token usable once under concurrency. */
  private async consumeToken(tx: EntityManager, purpose: EmailTokenPurpose, token: string): Promise<EmailToken> {
    const record = await this.usableToken(tx, purpose, token, true);
    await tx.getRepository(EmailToken).update(record.id, { usedAt: this.clock.now() });
    return record;
  }

  private async usableToken(db: EntityManager, purpose: EmailTokenPurpose, token: string, lock = false): Promise<EmailToken> {
    const query = db
      .getRepository(EmailToken)
      .createQueryBuilder('t')
      .where('t.token_hash = :hash AND t.purpose = :purpose', { hash: hashSecretToken(token), purpose });
    const record = await (lock ? query.setLock('pessimistic_write') : query).getOne();
    if (!record || record.usedAt || record.expiresAt <= this.clock.now()) {
      throw ValidationFailedError.field('token', 'is invalid, already used or expired');
    }
    return record;
  }
}
