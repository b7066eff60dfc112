import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError, NotAllowedError, NotSignedInError } from '../common/errors/domain-errors';
import type { PlatformRole, User } from './user.entity';

declare global {
  namespace Express {
    /** Passport's request user is always a Laurel account. */
    interface User extends LaurelUser {}
  }
}
type LaurelUser = import('./user.entity').User;

/** API: a valid bearer token is required. */
@Injectable()
export class BearerGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, user: T): T {
    if (error instanceof DomainError) throw error;
    if (error || !user) throw new NotSignedInError('A valid bearer token is required.');
    return user;
  }
}

/** API: a bearer token is optional, but one that is sent must be valid. */
@Injectable()
export class OptionalBearerGuard extends BearerGuard {
  override canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest<Request>();
    return request.headers.authorization ? super.canActivate(context) : true;
  }
}

/** Pages: a browser session is required (a GET without one is redirected to sign-in). */
@Injectable()
export class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<Request>().user) throw new NotSignedInError();
    return true;
  }
}

const ROLES = 'laurel:roles';
export const Roles = (...roles: PlatformRole[]) => SetMetadata(ROLES, roles);

/** Refuses callers without one of the route's platform roles; services check rights again on their data. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<PlatformRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<Request>().user as User | undefined;
    if (!user) throw new NotSignedInError();
    if (!roles.some((role) => user.roles.includes(role))) throw new NotAllowedError();
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>().user as User,
);
