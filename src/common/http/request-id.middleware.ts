import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;
const SLOW_MS = 1000;
const logger = new Logger('HTTP');

/**
 * Gives every request an id (kept from X-Request-Id when sane) and echoes it. Logs one line per request, or in
 * production only failures (5xx) and slow requests, so logging stays bounded under load.
 */
export function requestIdMiddleware(logEveryRequest: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    req.id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (logEveryRequest || res.statusCode >= 500 || ms >= SLOW_MS) {
        logger.log(`${req.method} ${req.originalUrl.split('?')[0]} ${res.statusCode} ${ms.toFixed(1)}ms id=${req.id}`);
      }
    });
    next();
  };
}
