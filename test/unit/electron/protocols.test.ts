import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAppRequestHandler, resolveAppAsset } from '../../../electron/main/app-protocol.js';
import { createImageRequestHandler, cropUrl, parseImageUrl, previewUrl, resultPreviewUrl } from '../../../electron/main/images/image-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/security.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'unshake-app-'));
mkdirSync(path.join(root, 'assets'));
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(path.join(root, 'assets', 'main.js'), 'console.log(1)');
writeFileSync(path.join(path.dirname(root), 'secret.txt'), 'secret');

describe('app:// renderer protocol', () => {
  it('maps app URLs to files inside the renderer folder', () => {
    expect(resolveAppAsset('app://unshake/index.html', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset('app://unshake/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset('app://unshake/assets/main.js?v=1', root)).toBe(path.join(root, 'assets', 'main.js'));
  });

  it.each([
    'app://unshake/../secret.txt',
    'app://unshake/%2e%2e/secret.txt',
    'app://unshake/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://unshake/%2e%2e%5csecret.txt',
    'app://unshake/a%00b',
    'app://unshake/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'nonsense',
  ])('never maps %s outside the renderer folder', async (url) => {
    const file = resolveAppAsset(url, root);
    // URL parsing may fold "/../x" into "/x": that stays inside the root, which is the point.
    expect(file === null || file.startsWith(root + path.sep)).toBe(true);
    const response = await createAppRequestHandler(root)(url);
    expect(response.status).toBe(404);
  });

  it('serves the page with our CSP header and type, and 404s the rest', async () => {
    const handle = createAppRequestHandler(root);
    const page = await handle('app://unshake/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const script = await handle('app://unshake/assets/main.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe('console.log(1)');
    expect((await handle('app://unshake/missing.js')).status).toBe(404);
    expect((await handle('app://unshake/%2e%2e/secret.txt')).status).toBe(404);
  });
});

describe('unshake-image:// protocol', () => {
  const IMG = 'img_0123456789abcdef';
  const JOB = 'job_0123456789abcdef';

  it('parses only preview/img_…, result/job_… and crop/(img|job)_…/x/y/w/h URLs', () => {
    expect(parseImageUrl(previewUrl(IMG))).toEqual({ kind: 'preview', id: IMG });
    expect(parseImageUrl(resultPreviewUrl(JOB))).toEqual({ kind: 'result', id: JOB });
    const region = { left: 0, top: 1200, width: 1920, height: 1080 };
    expect(parseImageUrl(cropUrl(IMG, region))).toEqual({ kind: 'crop', id: IMG, region });
    expect(parseImageUrl(cropUrl(JOB, region))).toEqual({ kind: 'crop', id: JOB, region });
    for (const bad of [
      `unshake-image://preview/${JOB}`,
      `unshake-image://result/${IMG}`,
      `unshake-image://preview/../../etc/passwd`,
      `unshake-image://preview/%2Fetc%2Fpasswd`,
      `unshake-image://preview/${IMG}/x`,
      `unshake-image://preview/${IMG}?path=/etc/passwd`,
      `unshake-image://file/${IMG}`,
      `unshake-image://crop/${IMG}`,
      `unshake-image://crop/${IMG}/0/0/100`,
      `unshake-image://crop/${IMG}/0/0/100/100/7`,
      `unshake-image://crop/${IMG}/-1/0/100/100`,
      `unshake-image://crop/${IMG}/0/0/0/100`,
      `unshake-image://crop/${IMG}/0/0/100/9000`,
      `unshake-image://crop/${IMG}/01/0/100/100`,
      `unshake-image://crop/${IMG}/1e3/0/100/100`,
      `unshake-image://crop/${IMG}/0/0/100/100?x=1`,
      `unshake-image://crop/../etc/0/0/100/100`,
      `unshake-image://crop/%2Fetc%2Fpasswd/0/0/100/100`,
      `file:///etc/passwd`,
      'garbage',
    ]) {
      expect(parseImageUrl(bad), bad).toBeNull();
    }
  });

  it('serves the bytes its source has, and 404s unknown ids without asking for bad ones', async () => {
    const asked: string[] = [];
    const handle = createImageRequestHandler(async ({ kind, id }) => {
      asked.push(`${kind}:${id}`);
      return id === IMG ? new Uint8Array([0xff, 0xd8, 0xff]) : undefined;
    });
    const found = await handle(previewUrl(IMG));
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await found.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    expect((await handle(previewUrl('img_ffffffffffffffff'))).status).toBe(404);
    expect((await handle('unshake-image://preview/../../etc/passwd')).status).toBe(404);
    expect(asked).toEqual([`preview:${IMG}`, 'preview:img_ffffffffffffffff']);
  });

  it('answers 404 when the source fails, with the cause in the body and the log', async () => {
    const cause = new Error('engine down');
    const handle = createImageRequestHandler(() => Promise.reject(cause));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const reply = await handle(previewUrl(IMG));
      expect(reply.status).toBe(404);
      expect(await reply.text()).toBe('Could not be made: engine down');
      expect(logged).toHaveBeenCalledWith(`[image] ${previewUrl(IMG)} could not be made:`, cause);
    } finally {
      logged.mockRestore();
    }
  });
});
