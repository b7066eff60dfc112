import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';

/** The messages the app sends; each has subject, HTML and text parts in templates/emails. */
export type EmailTemplate =
  | 'verify-email'
  | 'password-reset'
  | 'submission-received'
  | 'submission-withdrawn'
  | 'deadline-reminder'
  | 'judge-invitation'
  | 'judging-assignments'
  | 'judging-reminder'
  | 'award-winner'
  | 'contributor-feedback'
  | 'phase-result';

/**
 * Message data that works as a credential (a link carrying a one-time token). The worker removes it from the stored
 * row in the statement that marks the message sent: once delivered, the row keeps who, what and when, not the key.
 */
export const SECRET_DATA: Partial<Record<EmailTemplate, string[]>> = {
  'verify-email': ['link'],
  'password-reset': ['link'],
  'judge-invitation': ['link'],
};

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

type Compiled = Handlebars.TemplateDelegate;

/**
 * Email templates from templates/emails: `<name>.subject.hbs`, `<name>.html.hbs` and `<name>.text.hbs`,
 * each body wrapped in the shared layout. Strict mode: a missing variable is an error, never a blank.
 */
export class MailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();

  constructor(private readonly dir = join(TEMPLATES_DIR, 'emails')) {
    this.handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    const partials = join(dir, 'partials');
    if (existsSync(partials)) {
      for (const file of readdirSync(partials)) {
        this.handlebars.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(partials, file), 'utf8'));
      }
    }
  }

  render(template: string, data: Record<string, unknown>): RenderedMail {
    const subject = this.compile(`${template}.subject.hbs`)(data).trim();
    const context = { ...data, subject };
    const html = this.compile('layout.html.hbs')({ ...context, body: this.compile(`${template}.html.hbs`)(context) });
    const text = this.compile('layout.text.hbs')({ ...context, body: this.compile(`${template}.text.hbs`)(context) });
    return { subject, html, text };
  }

  private compile(file: string): Compiled {
    let compiled = this.cache.get(file);
    if (!compiled) {
      const source = readFileSync(join(this.dir, file), 'utf8');
      compiled = this.handlebars.compile(source, { strict: true, noEscape: file.endsWith('.text.hbs') || file.endsWith('.subject.hbs') });
      this.cache.set(file, compiled);
    }
    return compiled;
  }
}
