import type { FormField } from '../challenges/challenge.entity';
import { fileLabel, identifiesSolver, judgeAnswers, judgeFileLabel, judgeFileName, judgeMaySee, sizeText } from './blind-judging';

const fields: FormField[] = [
  { key: 'summary', label: 'Summary', type: 'textarea', required: true },
  { key: 'contact', label: 'Contact', type: 'email', required: true },
  { key: 'employer', label: 'Employer', type: 'text', required: false, identifying: true },
  { key: 'plan', label: 'Plan', type: 'file', required: true, accept: ['application/pdf'] },
  { key: 'passport', label: 'Passport scan', type: 'file', required: false, accept: ['image/png'], identifying: true },
  { key: 'budget', label: 'Budget', type: 'file', required: false, accept: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
];
const form = { fields };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('blind judging rules', () => {
  it('counts email fields and fields marked identifying as naming the solver', () => {
    expect(fields.filter(identifiesSolver).map((f) => f.key)).toEqual(['contact', 'employer', 'passport']);
    expect(judgeMaySee(form, 'summary')).toBe(true);
    expect(judgeMaySee(form, 'passport')).toBe(false);
  });

  it('numbers attachments by the form\'s file fields, the same on every entry', () => {
    expect(judgeFileName(form, 'plan', 'application/pdf')).toBe('Attachment 1.pdf');
    expect(judgeFileName(form, 'budget', XLSX)).toBe('Attachment 3.xlsx');
    expect(judgeFileLabel(form, 'plan', 'application/pdf', 120 * 1024)).toBe('Attachment 1 (PDF, 120 KB)');
  });

  it('writes sizes as people read them', () => {
    expect(sizeText(900)).toBe('900 bytes');
    expect(sizeText(122_880)).toBe('120 KB');
    expect(sizeText(5 * 1024 * 1024 + 300_000)).toBe('5.3 MB');
    expect(fileLabel('Jane Doe CV.pdf', 'application/pdf', 2048)).toBe('Jane Doe CV.pdf (PDF, 2 KB)');
  });

  it('leaves identifying answers out and renames files for judges', () => {
    const answers = {
      summary: 'A sensor.',
      contact: 'jane@example.org',
      employer: 'Acme Labs',
      plan: { fileId: 'f1', name: 'Jane Doe plan.pdf', size: 2048, contentType: 'application/pdf' },
      passport: { fileId: 'f2', name: 'passport.png', size: 100, contentType: 'image/png' },
      stray: 'an answer to no current field',
    };
    expect(judgeAnswers(form, answers)).toEqual({
      summary: 'A sensor.',
      plan: { fileId: 'f1', name: 'Attachment 1.pdf', label: 'Attachment 1 (PDF, 2 KB)', size: 2048, contentType: 'application/pdf' },
    });
  });
});
