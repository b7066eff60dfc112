import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As the router lists it, with `:param` placeholders. */
  path: string;
}

/** Every route the running app's Express router knows, one per method: tests built on it cover new routes by themselves. */
export function routesOf(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((method) => ({ method: method as AppRoute['method'], path: layer.route!.path })) : [],
  );
}

/** Routes of the JSON API (`/api/v1/…`). */
export const isApi = (route: AppRoute) => route.path.startsWith('/api/v1/');
/** Routes of the pages: everything outside `/api/`, whose Swagger UI is public documentation. */
export const isPage = (route: AppRoute) => !route.path.startsWith('/api/');
