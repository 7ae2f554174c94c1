import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile, dropFolder } from './chromium-page.js';
import { makeRawLookalike } from '../fixtures/raw-files.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';
import { liveRecord, recordLiveRegions } from './live-regions.js';

/**
 * What a screen reader hears of a result's notes and of batches, in Chromium with the real
 * services: each is said by a status region already in the page whose text changes (one inserted
 * holding its text is often not read), once when it happens.
 */
const CANVAS = '[data-testid="canvas"]';
const SAMPLE = path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg');

describe('announcements of result notes and batches', () => {
  const { file, page } = useE2eSession('announce', async (file) => {
    await sharp(SAMPLE).resize(320, 200).toColourspace('cmyk').jpeg({ quality: 90 }).toFile(file('cmyk.jpg'));
    await mkdir(file('card'));
    // Large enough that the base model takes seconds over them: the batch is seen running.
    for (const name of ['a', 'b', 'c']) await sharp(SAMPLE).resize(640, 400).jpeg().toFile(file(`card/${name}.jpg`));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
    // A camera's RAW+JPEG card: the raw files are left out, with a note.
    await mkdir(file('raws'));
    for (const name of ['DSC_0001', 'DSC_0002']) {
      await sharp(SAMPLE).resize(320, 200).jpeg().toFile(file(`raws/${name}.JPG`));
      await makeRawLookalike(file('raws'), `${name}.NEF`, 'nef');
    }
  });

  it('a CMYK photo’s note is said by a region that was there before the result', async () => {
    await appLoaded(page());
    await dropFile(page(), CANVAS, file('cmyk.jpg'), 'image/jpeg');
    await expect.poll(() => page().getByTestId('meta-file').textContent(), { timeout: 60_000 }).toBe('cmyk.jpg');
    await page().locator('header select').selectOption({ label: 'Quick look' });
    await recordLiveRegions(page());
    await page().getByTestId('deblur-button').click();
    await expect.poll(() => page().getByTestId('result-note').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    const [note] = await page().getByTestId('result-note').allTextContents();
    expect(note).toMatch(/CMYK/);
    expect(await page().getByTestId('result-note').first().getAttribute('role')).toBeNull();
    const heard = await liveRecord(page());
    expect(heard.said.some((said) => said.includes(note!))).toBe(true);
    expect(heard.inserted).toEqual([]);
  });

  it('a batch is said when it starts and when it ends; one with nothing to do says why; Cancel batch names its batch', async () => {
    await page().locator('header select').selectOption('base');
    await recordLiveRegions(page());
    await dropFolder(page(), CANVAS, file('card'));
    const cancel = page().getByRole('button', { name: 'Cancel batch card', exact: true });
    await expect.poll(() => cancel.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page().getByTestId('batch-summary').allTextContents(), { timeout: 180_000 }).toEqual(['3 done']);
    await expect.poll(async () => (await liveRecord(page())).said).toEqual(expect.arrayContaining(['Batch card started: 3 photos to deblur', 'Batch card finished: 3 written, 0 failed']));

    await recordLiveRegions(page());
    await dropFolder(page(), CANVAS, file('card'));
    await expect.poll(() => page().getByTestId('batch-summary').allTextContents(), { timeout: 60_000 }).toEqual(['0 done · 3 already done or under way', '3 done']);
    await expect.poll(async () => (await liveRecord(page())).said).toContain('Batch card: nothing to deblur, 3 already done or under way');
    // No card's region inserted holding its text: the panel's one region spoke.
    expect((await liveRecord(page())).inserted).toEqual([]);
  });

  it('what a batch leaves out (raw files) is said with its start, not only shown on its card', async () => {
    await recordLiveRegions(page());
    await dropFolder(page(), CANVAS, file('raws'));
    await expect.poll(() => page().getByTestId('batch-summary').first().textContent(), { timeout: 120_000 }).toBe('2 done');
    const [note] = await page().getByTestId('batch-left-out').allTextContents();
    expect(note).toMatch(/^2 raw files are left out \(DSC_0001\.NEF, DSC_0002\.NEF\)/);
    await expect.poll(async () => (await liveRecord(page())).said.join(' | ')).toContain(`Batch raws started: 2 photos to deblur. ${note}`);
    expect((await liveRecord(page())).said.join(' | ')).toContain('Batch raws finished: 2 written, 0 failed');
    expect((await liveRecord(page())).inserted).toEqual([]);
  });
});
