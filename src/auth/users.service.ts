import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import { NotAllowedError, NotFoundError, ValidationFailedError } from '../common/errors/domain-errors';
import { pageOf, type Page, type PageQuery } from '../common/pagination';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EntityReader } from '../database/entity-reader';
import { PasswordHasher } from './password-hasher';
import { User, type PlatformRole } from './user.entity';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly reader: EntityReader<User>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.reader = new EntityReader(db, User);
  }

  /** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD once; an existing account is never overwritten. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    const now = this.clock.now();
    const created: unknown[] = await this.db.query(
      `INSERT INTO users (email, name, password_hash, roles, email_verified_at)
       VALUES ($1, 'Administrator', $2, '{solver,manager,admin}', $3)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [adminEmail, await this.hasher.hash(adminPassword), now],
    );
    if (created.length > 0) this.logger.log(`created the first admin account ${adminEmail}`);
  }

  /** An account by its address, for other modules (adding a co-manager, inviting a judge), in the caller's transaction. */
  byEmail(db: EntityManager, email: string): Promise<User | null> {
    return db.getRepository(User).findOneBy({ email });
  }

  /** Accounts by id, for other modules' lists (a challenge's managers). */
  async byIds(db: EntityManager, ids: string[]): Promise<Map<string, User>> {
    const users = ids.length ? await db.getRepository(User).findBy({ id: In(ids) }) : [];
    return new Map(users.map((u) => [u.id, u]));
  }

  /** The user behind a bearer token, unless the password changed since the token was issued. */
  async findForToken(userId: string, tokenVersion: number): Promise<User | null> {
    const user = await this.reader.one(this.db.manager, 'id = $1', [userId]);
    return user && user.tokenVersion === tokenVersion ? user : null;
  }

  async list(actor: User, query: PageQuery & { q?: string }): Promise<Page<User>> {
    this.requireAdmin(actor);
    const builder = this.db.getRepository(User).createQueryBuilder('u').orderBy('u.created_at', 'DESC');
    if (query.q) builder.where('(u.email ILIKE :q OR u.name ILIKE :q)', { q: `%${query.q.replace(/[\\%_]/g, '\\$&')}%` });
    const [items, total] = await builder.skip(query.offset).take(query.pageSize).getManyAndCount();
    return pageOf(items, total, query);
  }

  /** Sets a user's platform roles (admins only). Everyone stays a solver; admins cannot demote themselves. */
  async setRoles(actor: User, userId: string, roles: PlatformRole[]): Promise<User> {
    this.requireAdmin(actor);
    const wanted = [...new Set<PlatformRole>(['solver', ...roles])];
    if (actor.id === userId && !wanted.includes('admin')) {
      throw ValidationFailedError.field('roles', 'you cannot remove your own admin role');
    }
    return this.db.transaction(async (tx) => {
      const users = tx.getRepository(User);
      const user = await users.findOneBy({ id: userId });
      if (!user) throw new NotFoundError('user');
      user.roles = wanted;
      return users.save(user);
    });
  }

  private requireAdmin(actor: User): void {
    if (!actor.hasRole('admin')) throw new NotAllowedError('Only administrators can manage accounts.');
  }
}
