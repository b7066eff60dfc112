import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, EMPTY, Observable, throwError } from 'rxjs';
import { DomainError, NotSignedInError } from '../errors/domain-errors';

const FORM_VIEW = 'laurel:form-view';

/** Marks a page handler whose domain errors re-render `view` with the submitted values and an error summary. */
export const FormView = (view: string) => SetMetadata(FORM_VIEW, view);

const NEVER_ECHOED = /password/i;

/** Submitted values to show again in the form, without secrets. */
function echoedValues(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body).filter(([key]) => !NEVER_ECHOED.test(key)));
}

@Injectable()
export class FormViewInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const view = this.reflector.get<string | undefined>(FORM_VIEW, context.getHandler());
    if (!view) return next.handle();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof DomainError) || error instanceof NotSignedInError) return throwError(() => error);
        const http = context.switchToHttp();
        const req = http.getRequest<Request>();
        const errors = error.errors.length > 0 ? error.errors : [{ field: '', message: error.message }];
        http.getResponse<Response>().status(error.status).render(view, {
          values: { ...req.query, ...echoedValues(req.body) },
          errors,
          fieldErrors: Object.fromEntries(errors.filter((e) => e.field).map((e) => [e.field, e.message])),
        });
        return EMPTY;
      }),
    );
  }
}
