import { Controller, Get, Inject, Param, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { simpleParser } from 'mailparser';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotAllowedError, NotFoundError, NotSignedInError } from '../common/errors/domain-errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EmlFileMailTransport, MailTransport } from './mail-transport';

const EML_NAME = /^[A-Za-z0-9._-]+\.eml$/;

/**
 * The development mailbox: every message the app saved as .eml (when SMTP_URL is unset), newest first.
 * It shows password-reset and invitation links, so it opens without sign-in only to a client on this machine while
 * the app says it lives on this machine (a localhost PUBLIC_URL, outside production); everyone else must be an admin.
 */
@ApiExcludeController()
@Controller('dev/mail')
export class DevMailboxWebController {
  private readonly localOnly: boolean;

  constructor(
    private readonly transport: MailTransport,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.localOnly = !config.production && isLocalUrl(config.publicUrl);
  }

  @Get()
  @Render('dev/mailbox')
  async list(@Req() req: Request) {
    const dir = this.mailDir(req);
    const files = (await readdir(dir)).filter((file) => EML_NAME.test(file)).sort().reverse().slice(0, 200);
    const messages = await Promise.all(
      files.map(async (file) => {
        const mail = await simpleParser(await readFile(join(dir, file)));
        return { file, subject: mail.subject ?? '(no subject)', to: mail.to ? [mail.to].flat().map((a) => a.text).join(', ') : '', date: mail.date };
      }),
    );
    return { title: 'Development mailbox', messages };
  }

  @Get(':file')
  @Render('dev/message')
  async show(@Req() req: Request, @Param('file') file: string) {
    if (!EML_NAME.test(file)) throw new NotFoundError('message');
    const dir = this.mailDir(req);
    const source = await readFile(join(dir, file)).catch(() => {
      throw new NotFoundError('message');
    });
    const mail = await simpleParser(source);
    return {
      title: mail.subject ?? 'Message',
      subject: mail.subject,
      from: mail.from?.text,
      to: mail.to ? [mail.to].flat().map((a) => a.text).join(', ') : '',
      date: mail.date,
      text: mail.text,
    };
  }

  private mailDir(req: Request): string {
    if (!(this.transport instanceof EmlFileMailTransport)) throw new NotFoundError('mailbox');
    if (!(this.localOnly && isLoopback(req.ip))) {
      if (!req.user) throw new NotSignedInError();
      if (!req.user.hasRole('admin')) throw new NotAllowedError('Only administrators can read the mailbox.');
    }
    return this.transport.dir;
  }
}

function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}

function isLoopback(ip: string | undefined): boolean {
  return !!ip && (ip === '::1' || /^(::ffff:)?127\./.test(ip));
}
