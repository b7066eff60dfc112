import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

type ViewCallback = (error: Error | null, html?: string) => void;

const DATE_FORMAT = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

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
  handlebars.registerHelper('formatDate', (value: unknown) => {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? DATE_FORMAT.format(date) : '';
  });
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
