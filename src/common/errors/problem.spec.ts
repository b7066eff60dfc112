import { NotFoundException } from '@nestjs/common';
import { ConflictError, ValidationFailedError } from './domain-errors';
import { toProblem } from './problem';

describe('toProblem', () => {
  it('keeps a domain error\'s status, code and field errors', () => {
    expect(toProblem(ValidationFailedError.field('email', 'is required'))).toEqual({
      type: 'urn:laurel:problem:validation-failed',
      title: 'Validation Failed',
      status: 422,
      detail: 'Some values are not valid.',
      errors: [{ field: 'email', message: 'is required' }],
    });
    expect(toProblem(new ConflictError('Closed.', 'challenge-closed'))).toMatchObject({ status: 409, type: 'urn:laurel:problem:challenge-closed' });
  });

  it('maps body-parser failures and Nest exceptions', () => {
    expect(toProblem(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 })).status).toBe(400);
    expect(toProblem(Object.assign(new Error('x'), { type: 'entity.too.large', status: 413 })).status).toBe(413);
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, type: 'urn:laurel:problem:not-found' });
  });

  it('answers 503 when the database cannot be reached', () => {
    expect(toProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })).status).toBe(503);
    expect(toProblem(new Error('timeout exceeded when trying to connect')).status).toBe(503);
    expect(toProblem({ message: 'query failed', driverError: { code: '57P01' } }).status).toBe(503);
  });

  it('hides the details of unexpected errors', () => {
    const problem = toProblem(new Error('password_hash column exploded at /src/x.ts:12'));
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('password_hash');
  });
});
