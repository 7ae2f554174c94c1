import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLoaded } from './chromium-page.js';
import { installModelCopy, repoRoot, startE2eSession, type E2eSession } from './harness.js';

/** Import model… and Show models folder in Your models, over the real services (main's dialogs answered by the harness). */
describe('importing a model', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const file = (name: string) => path.join(workDir, name);

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-import-'));
    await installModelCopy(file('usb'), 'holiday', 'Holiday fine-tune');
    await mkdir(file('user-data/models'), { recursive: true });
    await copyFile(path.join(repoRoot, 'model/weights/placeholder.onnx'), file('user-data/models/DeblurGANv2.onnx'));
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('imports a model folder chosen in main’s dialog into the Model menu, refuses it twice, lists a bare .onnx and shows the folder', async () => {
    session = await startE2eSession(file('user-data'));
    const page = session.app.page;
    await appLoaded(page);
    await expect.poll(() => page.getByTestId('unusable-model').textContent()).toContain('Cannot be used: no manifest (DeblurGANv2.onnx has no');

    session!.modelFolders.answers.push(file('usb/models/holiday'));
    await page.getByTestId('import-model').click();
    await expect.poll(() => page.getByTestId('library-note').textContent()).toBe('Imported “Holiday fine-tune”: it is in the Model menu.');
    await expect.poll(() => page.locator('header select option').allTextContents()).toContain('Holiday fine-tune');

    session!.modelFolders.answers.push(file('usb/models/holiday'));
    await page.getByTestId('import-model').click();
    await expect.poll(() => page.getByTestId('error-banner').textContent()).toContain('cannot be imported: it is already in your models as “Holiday fine-tune”');

    await page.getByTestId('show-models-folder').click();
    await expect.poll(() => session!.modelFolders.opened).toEqual([file('user-data/models')]);
  });
});
