import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatDateTime, formatMoney } from '../format';
import { assetUrl } from './assets';

type ViewCallback = (error: Error | null, html?: string) => void;

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
    return formatDateTime(date, typeof zone === 'string' ? zone : 'UTC');
  });
  handlebars.registerHelper('money', (money: unknown) => {
    const value = money as { amount?: string; currency?: string } | null;
    return value?.amount && value.currency ? formatMoney(value.amount, value.currency) : '';
  });
  handlebars.registerHelper('json', (value: unknown) => (value == null ? '' : JSON.stringify(value).slice(0, 300)));
  handlebars.registerHelper('array', (...args: unknown[]) => args.slice(0, -1));
  handlebars.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  handlebars.registerHelper('inc', (value: unknown) => Number(value) + 1);
  // `aria-describedby` from (condition, id) pairs, left out entirely when no condition holds: an empty one is invalid HTML.
  handlebars.registerHelper('describedby', (...args: unknown[]) => {
    const pairs = args.slice(0, -1);
    const ids: string[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i]) ids.push(String(pairs[i + 1]));
    return ids.length ? new handlebars.SafeString(` aria-describedby="${handlebars.escapeExpression(ids.join(' '))}"`) : '';
  });
  handlebars.registerHelper('asset', (path: unknown) => assetUrl(String(path)));
  handlebars.registerHelper('encode', (value: unknown) => encodeURIComponent(String(value ?? '')));

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
