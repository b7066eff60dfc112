import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainError, NotSignedInError } from '../errors/domain-errors';

const FORM_VIEW = 'laurel:form-view';

type ViewName = string | ((req: Request) => string);

/** Marks a page handler whose domain errors re-render `view` with the submitted values and an error summary. */
export const FormView = (view: ViewName) => SetMetadata(FORM_VIEW, view);

const NEVER_ECHOED = /password/i;

/** A domain error raised by a form submission, with what is needed to show the form again. */
export class FormRejectedError extends Error {
  constructor(
    readonly view: string,
    override readonly cause: DomainError,
    readonly values: Record<string, unknown>,
  ) {
    super(cause.message);
  }
}

/** Submitted values to show again in the form, without secrets. */
function echoedValues(req: Request): Record<string, unknown> {
  const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries({ ...req.query, ...body }).filter(([key]) => !NEVER_ECHOED.test(key)));
}

@Injectable()
export class FormViewInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const view = this.reflector.get<ViewName | undefined>(FORM_VIEW, context.getHandler());
    if (!view) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof DomainError) || error instanceof NotSignedInError) return throwError(() => error);
        return throwError(() => new FormRejectedError(typeof view === 'string' ? view : view(req), error, echoedValues(req)));
      }),
    );
  }
}
