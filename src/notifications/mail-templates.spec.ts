import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../common/paths';
import { MailTemplates } from './mail-templates';

describe('MailTemplates', () => {
  const templates = new MailTemplates();

  it('has subject, HTML and text parts for every template', () => {
    const files = readdirSync(join(TEMPLATES_DIR, 'emails')).filter((f) => f.endsWith('.hbs') && !f.startsWith('layout'));
    const names = new Set(files.map((f) => f.replace(/\.(subject|html|text)\.hbs$/, '')));
    for (const name of names) {
      for (const part of ['subject', 'html', 'text']) expect(files).toContain(`${name}.${part}.hbs`);
    }
  });

  it('renders a message in the shared layout, escaping HTML but not the text part', () => {
    const mail = templates.render('verify-email', { name: 'Ada <Lovelace>', link: 'http://laurel.test/verify-email?token=a&b', publicUrl: 'http://laurel.test' });
    expect(mail.subject).toBe('Confirm your email address for Laurel');
    expect(mail.html).toContain('Ada &lt;Lovelace&gt;');
    expect(mail.html).toContain('<!DOCTYPE html>');
    expect(mail.text).toContain('Hello Ada <Lovelace>,');
    expect(mail.text).toContain('http://laurel.test/verify-email?token=a&b');
    expect(mail.text).toContain('Laurel · http://laurel.test');
  });

  it('refuses to render with a missing variable (strict mode)', () => {
    expect(() => templates.render('password-reset', { name: 'Ada', validMinutes: 60, publicUrl: 'http://laurel.test' })).toThrow(/"link" not defined/);
  });
});
