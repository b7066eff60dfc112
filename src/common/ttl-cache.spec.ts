import { FakeClock } from '../../test/support/fake-clock';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('serves a value until it expires, sharing one load between concurrent readers', async () => {
    const clock = new FakeClock();
    const cache = new TtlCache<number>(clock, 1000, 10);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([1, 1]);
    clock.advance(999);
    expect(await cache.get('k', load)).toBe(1);
    clock.advance(1);
    expect(await cache.get('k', load)).toBe(2);
  });

  it('does not keep failures', async () => {
    const cache = new TtlCache<number>(new FakeClock(), 1000, 10);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 7)).toBe(7);
  });
});
