import { app, protocol, session, type Session } from 'electron';
import { APP_SCHEME } from './ipc/sender-check.js';
import { IMAGE_SCHEME } from './images/image-protocol.js';
import { permissionCheckHandler, permissionRequestHandler, withContentSecurityPolicy } from './security.js';

/**
 * Must run before app 'ready'. `app://` serves the renderer (secure + standard, so it has a
 * real origin and 'self' works in the CSP); `unshake-image://` only serves previews.
 */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After 'ready': protocol handlers, CSP header, permission denial, no webviews anywhere. */
export function hardenSession(options: {
  app: (url: string) => Promise<Response>;
  image: (url: string) => Promise<Response>;
  /** CONTENT_SECURITY_POLICY, or DEV_CONTENT_SECURITY_POLICY under `npm run dev`. */
  contentSecurityPolicy: string;
}): Session {
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, (request) => options.app(request.url));
  ses.protocol.handle(IMAGE_SCHEME, (request) => options.image(request.url));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, options.contentSecurityPolicy) });
  });
  ses.setPermissionRequestHandler(permissionRequestHandler);
  ses.setPermissionCheckHandler(permissionCheckHandler);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  return ses;
}
