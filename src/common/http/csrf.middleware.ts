import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { purposeKey } from '../../config/secret-keys';
import { NotAllowedError } from '../errors/domain-errors';
import { isApiRequest } from './request-kind';

export const CSRF_COOKIE = 'laurel_csrf';
export const CSRF_FIELD = '_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Signed double-submit CSRF protection for pages: a random httpOnly cookie, and in every form a token that is
 * the cookie's HMAC under a key derived from the app secret for this purpose only. A cross-site form can send the cookie but cannot know the token.
 * Multipart forms carry the token in the query string (their body is parsed later, by the route).
 */
@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = purposeKey(config.sessionSecret, 'csrf-tokens');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (isApiRequest(req)) return next();
    let secret: string | undefined = req.cookies?.[CSRF_COOKIE];
    if (!secret || !/^[A-Za-z0-9_-]{32,64}$/.test(secret)) {
      secret = randomBytes(32).toString('base64url');
      res.cookie(CSRF_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: this.config.secureCookies, path: '/' });
      if (!SAFE_METHODS.has(req.method)) return next(new NotAllowedError('Your form has expired. Reload the page and try again.'));
    }
    const expected = createHmac('sha256', this.key).update(secret).digest('base64url');
    res.locals.csrfToken = expected;
    if (SAFE_METHODS.has(req.method)) return next();

    const body = req.body as Record<string, unknown> | undefined;
    const sent = body?.[CSRF_FIELD] ?? req.query[CSRF_FIELD] ?? req.header('x-csrf-token');
    if (typeof sent !== 'string' || !sameText(sent, expected)) {
      return next(new NotAllowedError('Your form has expired. Reload the page and try again.'));
    }
    if (body) delete body[CSRF_FIELD];
    delete (req.query as Record<string, unknown>)[CSRF_FIELD];
    next();
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
