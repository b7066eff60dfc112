import type { Request } from 'express';

/** JSON clients get problem+json; everything else is a browser page. */
export function isApiRequest(req: Request): boolean {
  const path = req.originalUrl.split('?')[0];
  return path === '/api' || path.startsWith('/api/') || path === '/health';
}
