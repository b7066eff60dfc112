import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  /** A stable name for the stored copy, so a resend overwrites rather than duplicates. */
  key: string;
}

export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<void>;
  abstract onApplicationShutdown(): void;
}

/** SMTP through a pooled nodemailer transport. */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    this.transporter = nodemailer.createTransport({ url, pool: true, maxConnections: 10, maxMessages: Infinity });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const { key: _key, ...message } = mail;
    await this.transporter.sendMail(message);
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

/** Without SMTP_URL: each message is written as an .eml file under DATA_DIR/mail for the dev mailbox. */
export class EmlFileMailTransport extends MailTransport {
  private readonly builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(readonly dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const { key, ...message } = mail;
    const info = await this.builder.sendMail(message);
    writeFileSync(join(this.dir, `${key}.eml`), info.message as Buffer);
  }

  onApplicationShutdown(): void {
    this.builder.close();
  }
}
