import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A browser session; the cookie holds a random token and only its SHA-256 is stored here. */
@Entity('web_sessions')
export class WebSession {
  @PrimaryColumn('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;
}
