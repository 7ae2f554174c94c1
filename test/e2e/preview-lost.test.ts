import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { repoRoot, startE2eSession, type E2eSession } from './harness.js';

/**
 * A photo whose preview main had let go (past its preview budget) and whose file was deleted
 * since: shown again (here: the window reloaded and the editor restored), its preview cannot be
 * made, and the banner says so, naming the photo, instead of an empty canvas without a word.
 */
const SOURCE = path.resolve(repoRoot, '../shared/data/real-blur/lai_lion.jpg');
const CANVAS = '[data-testid="canvas"]';

describe('a photo whose file is gone before its preview is shown again', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const file = (name: string) => path.join(workDir, name);

  beforeAll(async () => {
    if (!existsSync(SOURCE)) throw new Error(`Test photo missing: ${SOURCE} (expected ../shared/data next to the repo)`);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-preview-lost-'));
    await sharp(SOURCE).resize(640, 480, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file('IMG_0001.jpg'));
    await sharp(SOURCE).resize(480, 640, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file('IMG_0002.jpg'));
    await mkdir(file('user-data'), { recursive: true });
    // Under one preview's bytes: only the newest preview is held.
    session = await startE2eSession(file('user-data'), undefined, { maxPreviewBytes: 1 });
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('says in the banner that it can no longer be shown, once', async () => {
    const page = session!.app.page;
    await dropFile(page, CANVAS, file('IMG_0001.jpg'), 'image/jpeg');
    await expect.poll(() => page.getByTestId('meta-file').textContent(), { timeout: 60_000 }).toBe('IMG_0001.jpg');
    // Its preview loaded (else a late request would make it the newest again).
    await expect.poll(() => page.getByTestId('preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await rm(file('IMG_0001.jpg'));
    // Another photo opened (as another window would): the first one's preview is let go.
    session!.services.grantPath(file('IMG_0002.jpg'));
    expect(await session!.services.dispatch('image:open', { path: file('IMG_0002.jpg') })).toMatchObject({ ok: true });
    // Shown again with nothing kept by the browser: only main can answer.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.reload();
    const said = 'IMG_0001.jpg can no longer be shown: it was moved, renamed or deleted since it was opened. Open it again from its new place.';
    await expect.poll(() => page.getByTestId('error-banner').textContent(), { timeout: 60_000 }).toContain(said);
    expect(await page.getByTestId('error-banner').count()).toBe(1);
  });
});
