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

  /** Bearer tokens issued before this instant are refused (set on password change). */
  @Column('timestamptz', { name: 'password_changed_at' })
  passwordChangedAt: Date;

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
