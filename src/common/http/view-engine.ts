import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

type ViewCallback = (error: Error | null, html?: string) => void;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** "Jun 1, 2026, 9:00 AM EDT": dates are always shown with their time zone named. */
function formatDate(date: Date, timeZone: string): string {
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

function formatMoney(amount: string, currency: string): string {
  const [whole, fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${symbol}${grouped}${fraction && fraction !== '00' ? `.${fraction}` : ''}`;
}

function registerPartials(handlebars: typeof Handlebars, dir: string, root = dir): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) registerPartials(handlebars, path, root);
    else if (entry.endsWith('.hbs')) handlebars.registerPartial(relative(root, path).replace(/\.hbs$/, ''), readFileSync(path, 'utf8'));
  }
}

/**
 * Express view engine for templates/views: Handlebars (auto-escaped), partials from views/partials,
 * every page wrapped in views/layouts/main.hbs unless it sets `layout`.
 */
export function createViewEngine(viewsDir: string) {
  const handlebars = Handlebars.create();
  registerPartials(handlebars, join(viewsDir, 'partials'));
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
  handlebars.registerHelper('formatDate', (value: unknown, zone: unknown) => {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) return '';
    return formatDate(date, typeof zone === 'string' ? zone : 'UTC');
  });
  handlebars.registerHelper('money', (money: unknown) => {
    const value = money as { amount?: string; currency?: string } | null;
    return value?.amount && value.currency ? formatMoney(value.amount, value.currency) : '';
  });
  handlebars.registerHelper('json', (value: unknown) => (value == null ? '' : JSON.stringify(value).slice(0, 300)));
  handlebars.registerHelper('inc', (value: unknown) => Number(value) + 1);
  handlebars.registerHelper('encode', (value: unknown) => encodeURIComponent(String(value ?? '')));
  handlebars.registerHelper('isoDate', (value: unknown) => (value instanceof Date ? value.toISOString() : String(value ?? '')));

  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const compile = (file: string) => {
    let template = cache.get(file);
    if (!template) {
      template = handlebars.compile(readFileSync(file, 'utf8'));
      cache.set(file, template);
    }
    return template;
  };

  return (file: string, options: Record<string, unknown>, callback: ViewCallback) => {
    try {
      const body = compile(file)(options);
      const layout = options.layout === undefined ? 'layouts/main' : options.layout;
      const html = layout ? compile(join(viewsDir, `${layout as string}.hbs`))({ ...options, body }) : body;
      callback(null, html);
    } catch (error) {
      callback(error as Error);
    }
  };
}
