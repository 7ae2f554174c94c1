/**
 * The production renderer is served from our own privileged scheme, `app://unshake/…`
 * (see app-protocol.ts), not from file://. With file:// every local HTML file would share the
 * renderer's origin, so any file the app was tricked into loading could call IPC; a custom
 * scheme whose handler serves only dist/renderer makes the origin ours alone.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'unshake';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface SenderCheckOptions {
  /** The Vite dev server origin (e.g. http://127.0.0.1:5173); only set in development. */
  devServerOrigin?: string;
}

/** True only for frames showing the app's own renderer. */
export function isTrustedSender(frameUrl: string, options: SenderCheckOptions): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password) return true;
  if (!options.devServerOrigin) return false;
  try {
    const dev = new URL(options.devServerOrigin);
    // Origins of http(s) URLs are well defined, so compare them exactly.
    return (dev.protocol === 'http:' || dev.protocol === 'https:') && url.origin === dev.origin;
  } catch {
    return false;
  }
}
