import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../electron/main/ipc/sender-check.js';
import {
  CONTENT_SECURITY_POLICY,
  DEV_CONTENT_SECURITY_POLICY,
  permissionCheckHandler,
  permissionRequestHandler,
  shouldAllowNavigation,
  windowOpenHandler,
  withContentSecurityPolicy,
} from '../../../electron/main/security.js';
import { createMainWindowOptions } from '../../../electron/main/window-options.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('main window options', () => {
  const options = createMainWindowOptions('/app/dist/electron/preload/index.cjs');

  it('locks the renderer down', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it('opens dev tools only when asked (development)', () => {
    expect(createMainWindowOptions('/p.cjs', { devTools: true }).webPreferences.devTools).toBe(true);
  });
});

describe('sender check', () => {
  it.each([
    ['app://unshake/index.html', {}],
    ['app://unshake/', {}],
    ['http://127.0.0.1:5173/', { devServerOrigin: 'http://127.0.0.1:5173' }],
    ['http://127.0.0.1:5173/src/main.ts#x', { devServerOrigin: 'http://127.0.0.1:5173/' }],
  ])('trusts %s', (url, options) => {
    expect(isTrustedSender(url, options)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1:5173/', {}],
    ['http://127.0.0.1:5174/', { devServerOrigin: 'http://127.0.0.1:5173' }],
    ['http://localhost:5173/', { devServerOrigin: 'http://127.0.0.1:5173' }],
    ['file:///app/dist/renderer/index.html', {}],
    ['file:///tmp/evil.html', { devServerOrigin: 'http://127.0.0.1:5173' }],
    ['app://evil/index.html', {}],
    ['app://user:pw@unshake/index.html', {}],
    ['https://unshake/index.html', {}],
    ['unshake-image://preview/img_0123456789ab', {}],
    ['about:blank', {}],
    ['', {}],
    ['not a url', {}],
    ['javascript:alert(1)', { devServerOrigin: 'javascript:alert(1)' }],
  ])('refuses %s', (url, options) => {
    expect(isTrustedSender(url, options)).toBe(false);
  });
});

describe('navigation, popups and permissions', () => {
  it('allows only an in-page hash change', () => {
    expect(shouldAllowNavigation('app://unshake/index.html#/batch', 'app://unshake/index.html')).toBe(true);
    expect(shouldAllowNavigation('app://unshake/other.html', 'app://unshake/index.html')).toBe(false);
    expect(shouldAllowNavigation('https://example.com/', 'app://unshake/index.html')).toBe(false);
    expect(shouldAllowNavigation('file:///etc/passwd', 'app://unshake/index.html')).toBe(false);
    expect(shouldAllowNavigation('garbage', 'app://unshake/index.html')).toBe(false);
  });

  it('denies every popup and permission', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      permissionRequestHandler(null, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(permissionCheckHandler()).toBe(false);
  });
});

describe('content security policy', () => {
  it('is strict: nothing by default, no inline or eval script, no plugins or forms', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('img-src')).toContain('unshake-image:');
    expect(directives.get('form-action')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });

  it('is the same string as the meta CSP in renderer/index.html', () => {
    const indexPath = path.join(repoRoot, 'renderer/index.html');
    expect(existsSync(indexPath), 'renderer/index.html is missing').toBe(true);
    const html = readFileSync(indexPath, 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'renderer/index.html has no CSP meta tag').not.toBeNull();
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('relaxes only style-src for the dev server, as renderer/vite-dev-csp.ts does', () => {
    const differing = DEV_CONTENT_SECURITY_POLICY.split('; ').filter((d) => !CONTENT_SECURITY_POLICY.split('; ').includes(d));
    expect(differing).toEqual(["style-src 'self' 'unsafe-inline'"]);
    expect(withContentSecurityPolicy({}, DEV_CONTENT_SECURITY_POLICY)).toEqual({ 'Content-Security-Policy': [DEV_CONTENT_SECURITY_POLICY] });
  });

  it('replaces any CSP header on responses with ours', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
