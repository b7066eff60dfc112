export interface FieldError {
  field: string;
  message: string;
}

/** A failure the caller can cause; mapped to problem+json (API) or to the form's error summary (pages). */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  get title(): string {
    return this.constructor.name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

export class ValidationFailedError extends DomainError {
  readonly status = 422;
  readonly code = 'validation-failed';

  constructor(errors: FieldError[], detail = 'Some values are not valid.') {
    super(detail, errors);
  }

  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ field, message }]);
  }
}

/** A request the server cannot read (e.g. broken multipart); the detail says what is wrong with it. */
export class MalformedRequestError extends DomainError {
  readonly status = 400;
  readonly code = 'malformed-request';
}

export class NotSignedInError extends DomainError {
  readonly status = 401;
  readonly code = 'not-signed-in';

  constructor(detail = 'Sign in to continue.') {
    super(detail);
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly status = 401;
  readonly code = 'invalid-credentials';

  constructor() {
    super('The email address or password is not correct.');
  }
}

export class NotAllowedError extends DomainError {
  readonly status = 403;
  readonly code = 'not-allowed';

  constructor(detail = 'You are not allowed to do this.') {
    super(detail);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not-found';

  constructor(what = 'resource') {
    super(`The ${what} was not found.`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code: string;

  constructor(detail: string, code = 'conflict') {
    super(detail);
    this.code = code;
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly code = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly code = 'unsupported-media-type';
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly code = 'rate-limited';

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}
