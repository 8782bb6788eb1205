/**
 * 'METHOD /path' of every route an Express app registers, through nested routers, as Express
 * registers it ('GET /api/batches/:id'). Shared by the authorization matrix and the OpenAPI test,
 * which each fail on a route the app has that they do not cover.
 */
import type { Express } from 'express';

export function registeredRoutes(express: Express): string[] {
  const routes = new Set<string>();
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown; slash?: boolean };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods)) for (const p of paths) routes.add(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${prefix}${p}`);
      } else if (layer.handle?.stack) {
        if (!layer.slash && typeof layer.rawPath !== 'string') throw new Error('a router is mounted at a path the route walker cannot read');
        walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath).replace(/\/$/, '')}`);
      }
    }
  };
  walk((express as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...routes].sort();
}
