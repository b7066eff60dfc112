import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { DomainError, FieldError } from './domain-errors';

/** RFC 9457 problem details, with the request id as an extension member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
  requestId?: string;
}

interface BodyParserError {
  type: string;
  status: number;
}

const BODY_PARSER_PROBLEMS: Record<string, { status: number; code: string; detail: string }> = {
  'entity.parse.failed': { status: 400, code: 'malformed-request', detail: 'The request body is not valid JSON.' },
  'entity.too.large': { status: 413, code: 'payload-too-large', detail: 'The request body is too large.' },
  'encoding.unsupported': { status: 415, code: 'unsupported-media-type', detail: 'The content encoding is not supported.' },
  'charset.unsupported': { status: 415, code: 'unsupported-media-type', detail: 'The charset is not supported.' },
  'request.aborted': { status: 400, code: 'malformed-request', detail: 'The request was aborted.' },
  'request.size.invalid': { status: 400, code: 'malformed-request', detail: 'The request size did not match Content-Length.' },
  'parameters.too.many': { status: 413, code: 'payload-too-large', detail: 'The request has too many parameters.' },
};

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string'
    && (error as BodyParserError).type in BODY_PARSER_PROBLEMS;
}

function problem(status: number, code: string, detail: string, errors: FieldError[] = [], title?: string): Problem {
  return { type: `urn:laurel:problem:${code}`, title: title ?? STATUS_CODES[status] ?? 'Error', status, detail, errors };
}

/** Maps any thrown value to the problem the client sees; anything unexpected becomes a bare 500. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) return problem(error.status, error.code, error.message, error.errors, error.title);
  if (isBodyParserError(error)) {
    const known = BODY_PARSER_PROBLEMS[error.type];
    return problem(known.status, known.code, known.detail);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : response;
    const detail = typeof message === 'string' ? message : (STATUS_CODES[status] ?? 'Error');
    const code = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '-');
    return problem(status, code, status === HttpStatus.INTERNAL_SERVER_ERROR ? 'Something went wrong.' : detail);
  }
  if (isDatabaseUnavailable(error)) return problem(503, 'service-unavailable', 'The service is temporarily unavailable. Try again shortly.');
  return problem(500, 'internal-error', 'Something went wrong on our side. The request id identifies it in our logs.');
}
