const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "Jun 1, 2026, 9:00 AM EDT": dates shown to people always name their time zone. */
export function formatDateTime(date: Date, timeZone = 'UTC'): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(date);
}

/** "$25,000" or "EUR 1,500.50" from a decimal string, without passing through a float. */
export function formatMoney(amount: string, currency: string): string {
  const [whole, fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${symbol}${grouped}${fraction && fraction !== '00' ? `.${fraction}` : ''}`;
}
