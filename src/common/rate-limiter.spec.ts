import { FakeClock } from '../../test/support/fake-clock';
import { RateLimitedError } from './errors/domain-errors';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  const rule = { limit: 2, windowSeconds: 60 };

  it('allows up to the limit in a window, then refuses with the seconds left', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    limiter.hit('k', rule);
    limiter.hit('k', rule);
    clock.advance(15_000);
    expect(() => limiter.hit('k', rule)).toThrow(RateLimitedError);
    try {
      limiter.hit('k', rule);
    } catch (error) {
      expect((error as RateLimitedError).retryAfterSeconds).toBe(45);
    }
    limiter.hit('other', rule);
  });

  it('opens a new window after the old one ends, and check() does not count', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock);
    limiter.hit('k', rule);
    limiter.check('k', rule);
    limiter.check('k', rule);
    limiter.hit('k', rule);
    expect(() => limiter.check('k', rule)).toThrow(RateLimitedError);
    clock.advance(60_000);
    limiter.hit('k', rule);
  });

  it('forgets a key on reset', () => {
    const limiter = new RateLimiter(new FakeClock());
    limiter.hit('k', rule);
    limiter.hit('k', rule);
    limiter.reset('k');
    limiter.hit('k', rule);
  });
});
