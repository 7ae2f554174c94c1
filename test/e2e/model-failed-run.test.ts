import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { installModelCopy, repoRoot, useRestartedSessions } from './harness.js';

/**
 * A model ONNX Runtime cannot load (random bytes, no checksum in its manifest) is offered until
 * its first Deblur; then the window marks it as it marks a model that is gone, and the next start
 * opens with the model chosen before it (review of 2026-12-07).
 */
describe('a model that fails its first Deblur', () => {
  const { file, restart } = useRestartedSessions('failed-model');

  beforeAll(async () => {
    const dir = await installModelCopy(file('user-data'), 'noise', 'Noise');
    await writeFile(path.join(dir, 'noise.onnx'), randomBytes(50_000));
    const manifestPath = path.join(dir, 'noise.manifest.json');
    const { sha256: _, ...manifest } = JSON.parse(await readFile(manifestPath, 'utf8')) as { sha256?: string };
    await writeFile(manifestPath, JSON.stringify(manifest));
    await sharp(path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim01.png')).resize(240).jpeg().toFile(file('p.jpg'));
  });

  it('is marked as unusable in the menu and Your models, and is not the model the next start opens with', async () => {
    let page = await restart();
    await page.locator('header select').selectOption({ label: 'Noise' });
    await dropFile(page, '[data-testid="canvas"]', file('p.jpg'), 'image/jpeg');
    await expect.poll(() => page.getByTestId('meta-file').textContent(), { timeout: 30_000 }).toBe('p.jpg');
    await page.getByRole('button', { name: 'Deblur', exact: true }).click();

    await expect.poll(() => page.getByTestId('unusable-model').textContent(), { timeout: 30_000 }).toContain('Cannot be used: it could not be run (The model file');
    expect(await page.getByTestId('unusable-model').textContent()).toContain('Protobuf parsing failed');
    // The choice stays shown as it is, marked, with nothing run in its place.
    expect(await page.locator('header select').inputValue()).toBe('noise');
    expect(await page.getByTestId('unavailable-model').textContent()).toBe('Noise — cannot be used');
    expect(await page.getByTestId('error-banner').textContent()).toContain('The model “Noise”, chosen in the Model menu, cannot be used');

    page = await restart();
    expect(JSON.parse(await readFile(file('user-data/settings.json'), 'utf8'))).toMatchObject({ defaultModelId: 'base' });
    await expect.poll(() => page.locator('header select').inputValue()).toBe('base');
  });
});
