/**
 * Security policy as pure functions, so tests can check it without Electron; index.ts and
 * electron-window.ts wire them into session and webContents events.
 */

/**
 * Identical to the meta CSP in renderer/index.html (a test keeps them equal). Sent as a
 * header too, because frame-ancestors only works from a header. No 'unsafe-inline' anywhere:
 * Svelte's compiled CSS is emitted as files and dynamic styles go through the CSSOM.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' unshake-image: blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `npm run dev` only: Vite injects CSS as inline <style> elements for hot reload, so the dev
 * server's page (renderer/vite-dev-csp.ts relaxes its meta the same way) and the header main
 * adds to it allow inline styles. Scripts stay as strict as in production.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** will-navigate: the renderer is a single page; only an in-page (#hash) change is allowed. */
export function shouldAllowNavigation(targetUrl: string, currentUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const current = new URL(currentUrl);
    target.hash = '';
    current.hash = '';
    return target.href === current.href;
  } catch {
    return false;
  }
}

/** setWindowOpenHandler: no popups, no new windows, ever. */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/** setPermissionRequestHandler: camera, notifications, geolocation, … are all refused. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** setPermissionCheckHandler: every check answers "not granted". */
export function permissionCheckHandler(): boolean {
  return false;
}

/** onHeadersReceived: puts our CSP header on http responses (in practice the dev server's). */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
  policy: string = CONTENT_SECURITY_POLICY,
): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') next[name] = value;
  }
  next['Content-Security-Policy'] = [policy];
  return next;
}
