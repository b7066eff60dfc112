import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { FormRejectedError } from '../http/form-view';
import { isApiRequest } from '../http/request-kind';
import { RateLimitedError } from './domain-errors';
import { toProblem } from './problem';

const logger = new Logger('Errors');

/** The one place where errors become responses: problem+json for the API, an error page for browsers. */
export function sendError(error: unknown, req: Request, res: Response): void {
  if (error instanceof FormRejectedError) return renderForm(error, res);
  const problem = { ...toProblem(error), requestId: req.id };
  if (problem.status === 503) logger.warn(`request ${req.id}: database unavailable`);
  else if (problem.status >= 500) logger.error(`request ${req.id} failed`, error instanceof Error ? error.stack : String(error));
  if (res.headersSent) return;
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (isApiRequest(req)) {
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
    return;
  }
  if (problem.status === 401 && req.method === 'GET') {
    res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  res.status(problem.status).render('site/error', { title: problem.title, problem });
}

/** The form again, with the values as typed, an error summary and each field's message. */
function renderForm(rejection: FormRejectedError, res: Response): void {
  const { cause } = rejection;
  const errors = cause.errors.length > 0 ? cause.errors : [{ field: '', message: cause.message }];
  if (cause instanceof RateLimitedError) res.setHeader('Retry-After', String(cause.retryAfterSeconds));
  res.status(cause.status).render(rejection.view, {
    title: 'There is a problem',
    values: rejection.values,
    errors,
    fieldErrors: Object.fromEntries(errors.filter((e) => e.field).map((e) => [e.field, e.message])),
  });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(error, http.getRequest<Request>(), http.getResponse<Response>());
  }
}

/** Express error middleware for failures before Nest routing (body parsing). */
export function expressErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  sendError(error, req, res);
}
