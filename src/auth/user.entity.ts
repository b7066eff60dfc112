import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PLATFORM_ROLES = ['solver', 'manager', 'admin'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased: addresses are unique case-insensitively. */
  @Column('text', { unique: true })
  email: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  @Column('text', { array: true, default: () => "'{solver}'" })
  roles: PlatformRole[];

  @Column('timestamptz', { name: 'email_verified_at', nullable: true })
  emailVerifiedAt: Date | null;

  /** Carried in bearer tokens; a password change increments it, so every older token is refused. */
  @Column('int', { name: 'token_version', default: 0 })
  tokenVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  get emailDomain(): string {
    return this.email.slice(this.email.lastIndexOf('@') + 1);
  }

  hasRole(role: PlatformRole): boolean {
    return this.roles.includes(role);
  }
}
