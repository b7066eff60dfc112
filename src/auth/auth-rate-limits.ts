import type { RateLimit } from '../common/rate-limiter';

export interface AuthRateLimits {
  /** Failed sign-ins for one address from one client. */
  signInFailures: RateLimit;
  /** Failed sign-ins for one address from all clients together: spreading guesses over many addresses gains nothing. */
  signInFailuresPerAccount: RateLimit;
  /** All sign-in attempts from one client. */
  signInPerClient: RateLimit;
  registerPerClient: RateLimit;
  /** Reset emails per address, so nobody can flood an inbox (over it, requests still answer 202 and send nothing). */
  resetPerAddress: RateLimit;
  /** Reset requests from one client, known and unknown addresses alike (429). */
  resetPerClient: RateLimit;
  /** Attempts to use a reset link from one client, valid or not. */
  resetConfirmPerClient: RateLimit;
}

export const AUTH_RATE_LIMITS = Symbol('AUTH_RATE_LIMITS');

export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  signInFailures: { limit: 5, windowSeconds: 15 * 60 },
  signInFailuresPerAccount: { limit: 20, windowSeconds: 60 * 60 },
  signInPerClient: { limit: 100, windowSeconds: 15 * 60 },
  registerPerClient: { limit: 20, windowSeconds: 60 * 60 },
  resetPerAddress: { limit: 3, windowSeconds: 60 * 60 },
  resetPerClient: { limit: 20, windowSeconds: 60 * 60 },
  resetConfirmPerClient: { limit: 10, windowSeconds: 15 * 60 },
};
