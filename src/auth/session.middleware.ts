import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import { isApiRequest } from '../common/http/request-kind';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthService } from './auth.service';

export const SESSION_COOKIE = 'laurel_session';

export function sessionCookieOptions(config: AppConfig): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' };
}

/** Pages: resolves the session cookie to the signed-in user (req.user) and exposes it to the views. */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (isApiRequest(req)) return next();
    try {
      const token: string | undefined = req.cookies?.[SESSION_COOKIE];
      if (token) {
        const user = await this.auth.userForSession(token);
        if (user) {
          req.user = user;
          res.locals.currentUser = { name: user.name, email: user.email, isAdmin: user.hasRole('admin'), isManager: user.hasRole('manager') };
        } else {
          res.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config));
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  }
}
