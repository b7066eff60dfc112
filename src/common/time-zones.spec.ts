import { instantToZonedLocal, zonedLocalToInstant } from './time-zones';

describe('time zones', () => {
  it('reads wall-clock times in a zone, across daylight saving', () => {
    expect(zonedLocalToInstant('2026-07-01T09:00', 'America/New_York')?.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(zonedLocalToInstant('2026-12-01T09:00', 'America/New_York')?.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(zonedLocalToInstant('2026-07-01T09:00', 'UTC')?.toISOString()).toBe('2026-07-01T09:00:00.000Z');
    expect(zonedLocalToInstant('2026-07-01 09:00', 'UTC')).toBeUndefined();
  });

  it('round-trips', () => {
    const instant = new Date('2026-03-29T01:30:00Z');
    for (const zone of ['Europe/Paris', 'Asia/Kolkata', 'America/Los_Angeles', 'UTC']) {
      expect(zonedLocalToInstant(instantToZonedLocal(instant, zone), zone)?.toISOString()).toBe(instant.toISOString());
    }
  });
});
