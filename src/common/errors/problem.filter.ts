import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isApiRequest } from '../http/request-kind';
import { toProblem } from './problem';

const logger = new Logger('Errors');

/** The one place where errors become responses: problem+json for the API, an error page for browsers. */
export function sendError(error: unknown, req: Request, res: Response): void {
  const problem = { ...toProblem(error), requestId: req.id };
  if (problem.status >= 500) logger.error(`request ${req.id} failed`, error instanceof Error ? error.stack : String(error));
  if (res.headersSent) return;
  if (problem.status === 429 && typeof (error as { retryAfterSeconds?: number }).retryAfterSeconds === 'number') {
    res.setHeader('Retry-After', String((error as { retryAfterSeconds: number }).retryAfterSeconds));
  }
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
