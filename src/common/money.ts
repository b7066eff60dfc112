/** Money as decimal strings and whole cents, never a float. */
export function toCents(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

export function fromCents(value: bigint): string {
  return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

/** "25000" or "25000.5" → "25000.00" / "25000.50". */
export function normalizeAmount(amount: string): string {
  return fromCents(toCents(amount));
}
