import type { Connect, Plugin } from 'vite';
import type { Services } from '../../electron/main/services/start-services.js';

/**
 * Electron's protocol.handle for unshake-image:// has no place in a browser page: the harness
 * serves the same services.handleImageRequest at a same-origin route instead, and rewrites the
 * URLs in replies and job updates to point at it.
 */

/** The part of the real services (what Electron's main wires to IPC) the harness drives. */
export type E2eServices = Pick<Services, 'dispatch' | 'onJobUpdate' | 'handleImageRequest' | 'grantPath' | 'onOpenRequest' | 'requestOpen'>;

const IMAGE_SCHEME = 'unshake-image://';
const IMAGE_ROUTE = '/__unshake-image/';

/** Deep-rewrites unshake-image:// URLs in a reply to the harness's same-origin route. */
export function rewriteImageUrls(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(IMAGE_SCHEME) ? IMAGE_ROUTE + value.slice(IMAGE_SCHEME.length) : value;
  if (Array.isArray(value)) return value.map(rewriteImageUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewriteImageUrls(inner)]));
  }
  return value;
}

/** Mounts the route on a dev or preview server, as Electron's main registers its protocol. */
export function imageRoutePlugin(services: E2eServices): Plugin {
  const mount = (middlewares: Connect.Server) => {
    middlewares.use(IMAGE_ROUTE, (req, res, next) => {
      // connect strips the mount path: req.url is "/<rest>" of unshake-image://<rest>.
      const rest = (req.url ?? '/').replace(/^\//, '');
      services
        .handleImageRequest(IMAGE_SCHEME + rest)
        .then(async (response) => {
          res.statusCode = response.status;
          response.headers.forEach((value, key) => res.setHeader(key, value));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(next);
    });
  };
  return {
    name: 'unshake-e2e-image-route',
    configureServer: (server) => mount(server.middlewares),
    configurePreviewServer: (server) => mount(server.middlewares),
  };
}
