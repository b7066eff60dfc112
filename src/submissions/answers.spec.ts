import type { FormField } from '../challenges/challenge.entity';
import { checkAnswers } from './answers';

const fields: FormField[] = [
  { key: 'summary', label: 'Summary', type: 'textarea', required: true, maxLength: 20 },
  { key: 'site', label: 'Site', type: 'url', required: false },
  { key: 'contact', label: 'Contact', type: 'email', required: false },
  { key: 'budget', label: 'Budget', type: 'number', required: false },
  { key: 'track', label: 'Track', type: 'select', required: true, options: ['A', 'B'] },
  { key: 'agree', label: 'I agree', type: 'checkbox', required: true },
  { key: 'plan', label: 'Plan', type: 'file', required: true, accept: ['application/pdf'], maxBytes: 100 },
];

describe('checkAnswers', () => {
  it('converts valid answers to their types', () => {
    const plan = { fileId: 'f', name: 'plan.pdf', size: 10, contentType: 'application/pdf' };
    const result = checkAnswers(fields, { summary: ' short ', site: 'https://x.example', contact: 'a@b.co', budget: '12.5', track: 'B', agree: 'on' }, { plan }, true);
    expect(result).toEqual({ answers: { summary: 'short', site: 'https://x.example', contact: 'a@b.co', budget: 12.5, track: 'B', agree: true, plan }, errors: [] });
  });

  it('names every broken rule', () => {
    const result = checkAnswers(fields, { summary: 'x'.repeat(21), site: 'javascript:alert(1)', contact: 'nope', budget: '1e999', track: 'C', agree: 'maybe', plan: 'x', extra: 1 }, {}, true);
    expect(result.errors).toEqual([
      { field: 'answers.extra', message: 'is not a field of this challenge' },
      { field: 'answers.summary', message: 'must be at most 20 characters' },
      { field: 'answers.site', message: 'must be a web address starting with http:// or https://' },
      { field: 'answers.contact', message: 'must be an email address' },
      { field: 'answers.budget', message: 'must be a number' },
      { field: 'answers.track', message: 'must be one of: A, B' },
      { field: 'answers.agree', message: 'must be true or false' },
      { field: 'answers.plan', message: 'must be uploaded as a file (multipart/form-data)' },
    ]);
  });

  it('requires required fields only when submitting, not for a draft', () => {
    expect(checkAnswers(fields, {}, {}, false).errors).toEqual([]);
    expect(checkAnswers(fields, { agree: false }, {}, true).errors.map((e) => `${e.field} ${e.message}`)).toEqual([
      'answers.summary is required',
      'answers.track is required',
      'answers.agree must be checked',
      'answers.plan is required',
    ]);
  });

  it('refuses non-text values for text fields', () => {
    expect(checkAnswers(fields, { summary: { $gt: '' } }, {}, false).errors).toEqual([{ field: 'answers.summary', message: 'must be text' }]);
  });
});
