import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEMPLATES_DIR } from '../paths';

const USWDS_DIR = resolve(process.cwd(), 'node_modules/@uswds/uswds/dist');
const APP_DIR = join(TEMPLATES_DIR, 'static');
const VERSION_SEGMENT = /^[0-9a-f]{12}$/;

/**
 * One version for every asset: the USWDS release and the bytes of our own static files. A single version (rather
 * than one per file) keeps the stylesheet's relative URLs (`../fonts/…`, `../img/…`) inside the same version.
 */
export const ASSET_VERSION = (() => {
  const hash = createHash('sha256').update(readFileSync(resolve(USWDS_DIR, '../package.json')));
  for (const name of readdirSync(APP_DIR).sort()) hash.update(name).update(readFileSync(join(APP_DIR, name)));
  return hash.digest('hex').slice(0, 12);
})();

/** The versioned URL of an asset, e.g. `uswds/css/uswds.min.css` or `app/app.css`. */
export function assetUrl(path: string): string {
  return `/assets/${ASSET_VERSION}/${path}`;
}

/**
 * Serves `/assets/<version>/uswds/…` and `/assets/<version>/app/…`, brotli- or gzip-compressed as the client
 * accepts. The current version is cached for a year as immutable. Another version (a page from an instance of
 * another release) still gets today's file, marked `no-cache`. The unversioned `/assets/uswds/…` and
 * `/assets/app/…` keep working with their old short lifetimes, for HTML cached or saved before versions existed.
 */
export function installAssets(app: express.Express): void {
  app.use('/assets', compression());
  app.use('/assets/uswds', express.static(USWDS_DIR, { maxAge: '7d' }));
  app.use('/assets/app', express.static(APP_DIR, { maxAge: '1h' }));
  const versioned = express.Router();
  versioned.use('/uswds', express.static(USWDS_DIR, { maxAge: '365d', immutable: true }));
  versioned.use('/app', express.static(APP_DIR, { maxAge: '365d', immutable: true }));
  app.use('/assets/:version', (req: Request, res: Response, next: NextFunction) => {
    const version = req.params.version as string;
    if (!VERSION_SEGMENT.test(version)) return next();
    if (version !== ASSET_VERSION) res.setHeader('Cache-Control', 'no-cache');
    versioned(req, res, next);
  });
}
