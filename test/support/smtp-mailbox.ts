import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
}

/** A real SMTP server on loopback that parses and keeps what arrives; it can refuse the next deliveries. */
export class SmtpMailbox {
  readonly messages: ReceivedMail[] = [];
  private refusals = 0;
  /** Milliseconds each delivery takes before the server answers (a slow mail server). */
  deliveryDelayMs = 0;

  private constructor(private readonly server: SMTPServer, readonly url: string) {}

  static async start(): Promise<SmtpMailbox> {
    let mailbox: SmtpMailbox | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (mailbox!.refusals > 0) {
            mailbox!.refusals -= 1;
            return callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
          }
          simpleParser(Buffer.concat(chunks))
            .then((mail) => {
              mailbox!.messages.push({
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                from: mail.from?.text ?? '',
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : '',
                messageId: mail.messageId ?? '',
                headers: mail.headers,
              });
              setTimeout(callback, mailbox!.deliveryDelayMs);
            })
            .catch(callback);
        });
      },
    });
    // A client that dies mid-conversation (the crash tests kill the app) resets its connection: not a server failure.
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    mailbox = new SmtpMailbox(server, `smtp://127.0.0.1:${port}`);
    return mailbox;
  }

  /** The next `count` deliveries are refused with a temporary (451) error. */
  refuseNext(count: number): void {
    this.refusals = count;
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()));
  }

  async waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching mail within ${timeoutMs} ms; received: ${this.messages.map((m) => `${m.to} "${m.subject}"`).join('; ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForMessageTo(address: string, subject?: RegExp): Promise<ReceivedMail> {
    return this.waitFor((m) => m.to.includes(address.toLowerCase()) && (!subject || subject.test(m.subject)));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The first link in a message's text that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const match = mail.text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S+`));
  if (!match) throw new Error(`no link starting with ${prefix} in: ${mail.text}`);
  return match[0];
}
