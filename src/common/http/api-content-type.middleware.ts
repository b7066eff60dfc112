import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeError } from '../errors/domain-errors';
import { isApiRequest } from './request-kind';

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/** API bodies are JSON (multipart where a route takes files): anything else is 415, not silently ignored. */
export function apiContentTypeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (isApiRequest(req) && WRITES.has(req.method) && hasBody && !req.is(['application/json', 'application/*+json', 'multipart/form-data'])) {
    return next(new UnsupportedMediaTypeError('Send the request body as application/json (or multipart/form-data where files are uploaded).'));
  }
  next();
}
