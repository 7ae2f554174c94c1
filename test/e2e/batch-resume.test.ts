import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../electron/common/settings-schema.js';
import { appLoaded } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * The app started after a batch was cut off (a crash, a quit mid-batch), in Chromium with the
 * real services: the Batch panel offers it, Resume finishes it with its own settings, one whose
 * folder is gone says so and goes with Dismiss.
 */
const NAMES = ['kodim16', 'kodim17', 'kodim18'];

describe('an interrupted batch in the Batch panel', () => {
  const { file, page } = useE2eSession('batch-resume', async (file) => {
    await mkdir(file('card'));
    for (const name of NAMES) {
      await sharp(path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24', `${name}.png`)).resize(200).jpeg({ quality: 90 }).toFile(file(`card/${name}.jpg`));
    }
    // The journal as a crash leaves it: a batch into an Unshaken folder as PNG (not today's
    // settings), its first photo running; one of a folder removed since, written by a newer
    // Unshake (a setting this version does not know); and one this version cannot read at all.
    const settings = { ...DEFAULT_SETTINGS, outputFormat: 'png', batchResults: 'subfolder' };
    const record = (runId: string, title: string, paths: string[]) => ({ runId, title, paths, strength: 1, modelId: 'placeholder', settings, photos: 3, alreadyDone: 0, queued: 3, startedAt: Date.now() });
    const { modelId: _renamed, ...unreadable } = record('batch_00000000wedding', 'wedding', [file('wedding')]);
    const lines = [
      { batch: record('batch_0000000000card', 'card', [file('card')]) },
      { job: 'job_1', group: 'batch_0000000000card', status: 'running' },
      { batch: { ...record('batch_00000000000gone', 'trip', [file('trip')]), settings: { ...settings, sharpenAfter: true } } },
      { batch: unreadable },
    ];
    await mkdir(file('user-data'));
    await writeFile(file('user-data/jobs.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  });
  const offers = () => page().getByTestId('batch-interrupted-text').allTextContents();

  it('offers each, and Resume finishes one with the settings it started with', async () => {
    await appLoaded(page());
    await expect.poll(offers, { timeout: 30_000 }).toEqual([
      'A batch of 3 photos from card was interrupted: 0 done.',
      'A batch of 3 photos from trip was interrupted: 0 done.',
    ]);
    await expect.poll(() => page().getByTestId('error-banner').textContent()).toContain('Unshake could not read the interrupted batch from wedding in its job journal');
    await page().getByRole('button', { name: 'Resume the batch from card' }).click();
    await expect.poll(() => page().getByTestId('batch-summary').allTextContents(), { timeout: 120_000 }).toEqual(['3 done']);
    expect(await offers()).toEqual(['A batch of 3 photos from trip was interrupted: 0 done.']);
    expect((await readdir(file('card/Unshaken'))).sort()).toEqual(NAMES.map((name) => `${name}-unshaken.png`));
  });

  it('one whose folder is gone says so, and Dismiss takes it off', async () => {
    await page().getByRole('button', { name: 'Resume the batch from trip' }).click();
    // Beside the journal's notice, still unread: both stay until dismissed.
    await expect.poll(() => page().getByTestId('error-banner').last().textContent(), { timeout: 30_000 }).toContain(`${file('trip')} is no longer there`);
    expect(await page().getByTestId('error-banner').first().textContent()).toContain('Unshake could not read the interrupted batch from wedding');
    expect(await offers()).toHaveLength(1);
    await page().getByRole('button', { name: 'Dismiss the batch from trip' }).click();
    await expect.poll(offers).toEqual([]);
    // The resumed batch's card stays.
    expect(await page().getByTestId('batch-run').count()).toBe(1);
  });
});
