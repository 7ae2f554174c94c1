import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, attachPath, dropFolder, dropFolders, focusedTestId, pendingRequests } from './chromium-page.js';
import { repoRoot, useE2eSession } from './harness.js';

/**
 * A folder dropped on the window is a batch, in Chromium with the real services: every photo is
 * deblurred into its own file next to it, a damaged one fails alone and is named, and dropping
 * the folder again (after a quit or crash) does only what is left.
 */
const CANVAS = '[data-testid="canvas"]';

describe('batch from a dropped folder', () => {
  const { file, page, app, services } = useE2eSession('batch', async (file) => {
    await mkdir(file('card'));
    for (const name of ['kodim07', 'kodim08']) {
      await sharp(path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24', `${name}.png`)).resize(220).jpeg({ quality: 90 }).toFile(file(`card/${name}.jpg`));
    }
    const whole = await readFile(file('card/kodim07.jpg'));
    await writeFile(file('card/cut.jpg'), whole.subarray(0, whole.length / 3));
    // Two memory cards whose damaged photos have the same name.
    for (const day of ['day1', 'day2']) {
      await mkdir(file(day));
      await writeFile(file(`${day}/IMG_0001.jpg`), whole.subarray(0, whole.length / 4));
      await writeFile(file(`${day}/IMG_0002.jpg`), whole);
    }
  });
  const summaries = () => page().getByTestId('batch-summary').allTextContents();

  it('deblurs every photo next to its original; the damaged one fails alone and is named', async () => {
    await appLoaded(page());
    await dropFolder(page(), CANVAS, file('card'));
    await expect.poll(summaries, { timeout: 120_000 }).toEqual(['2 done · 1 failed']);
    const run = page().getByTestId('batch-run');
    expect(await run.locator('.title').textContent({ timeout: 5_000 })).toBe('card');
    expect(await run.locator('ul.failures').getAttribute('aria-label', { timeout: 5_000 })).toBe('Photos that failed');
    expect(await run.locator('ul.failures').textContent({ timeout: 5_000 })).toMatch(/cut\.jpg: could not be decoded; .*truncated or corrupt/);
    expect(await run.textContent({ timeout: 5_000 })).toContain('cut.jpg → cut-unshaken.jpg');
    expect((await readdir(file('card'))).sort()).toEqual(['cut.jpg', 'kodim07-unshaken.jpg', 'kodim07.jpg', 'kodim08-unshaken.jpg', 'kodim08.jpg']);
    // The status bar learns where deblurring ran from the batch's photos too.
    await expect.poll(() => page().getByTestId('execution-provider').textContent()).toBe('CPU');
    // Batch photos are counted in their panel, not given a job card each; the editor is untouched.
    expect(await page().getByTestId('job-panel').locator('li').count()).toBe(0);
    expect(await page().getByTestId('drop-zone').count()).toBe(1);
  });

  it('the same folder again does only what is left', async () => {
    await dropFolder(page(), CANVAS, file('card'));
    await expect.poll(summaries, { timeout: 60_000 }).toEqual(['0 done · 1 failed · 2 already done or under way', '2 done · 1 failed']);
    expect((await readdir(file('card'))).filter((f) => f.includes('-unshaken'))).toHaveLength(2);
  });

  it('the same folder dropped twice before main answers is one batch, one card', async () => {
    await mkdir(file('twice'));
    for (const name of ['kodim07', 'kodim08']) await copyFile(file(`card/${name}.jpg`), file(`twice/${name}.jpg`));
    await dropFolders(page(), CANVAS, [file('twice')], 2);
    await expect.poll(async () => (await summaries())[0], { timeout: 60_000 }).toBe('2 done');
    await expect.poll(() => pendingRequests(page())).toBe(0);
    expect(await page().getByTestId('batch-run').filter({ hasText: 'twice' }).count()).toBe(1);
    expect((await readdir(file('twice'))).sort()).toEqual(['kodim07-unshaken.jpg', 'kodim07.jpg', 'kodim08-unshaken.jpg', 'kodim08.jpg']);
  });

  it('Deblur a folder… starts a batch from the system folder picker, from the keyboard', async () => {
    await mkdir(file('picked'));
    await copyFile(file('card/kodim08.jpg'), file('picked/harbour.jpg'));
    await attachPath(page(), file('picked/harbour.jpg'));
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), page().getByTestId('choose-batch-folder').press('Enter')]);
    await chooser.setFiles(file('picked'));
    await expect.poll(async () => (await summaries())[0], { timeout: 60_000 }).toBe('1 done');
    expect(await page().getByTestId('batch-run').first().locator('.title').textContent()).toBe('picked');
    expect((await readdir(file('picked'))).sort()).toEqual(['harbour-unshaken.jpg', 'harbour.jpg']);
  });

  it('a window reloaded mid-batch shows the batch again, with its counts, and can cancel it', async () => {
    await mkdir(file('long'));
    for (const name of ['kodim13', 'kodim14', 'kodim15', 'kodim16', 'kodim17', 'kodim18']) {
      await sharp(path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24', `${name}.png`)).resize(1400).jpeg().toFile(file(`long/${name}.jpg`));
    }
    // A subfolder with photos is left out, and the card says so (an empty one is not counted).
    await mkdir(file('long/raw'));
    await mkdir(file('long/empty'));
    await copyFile(file('long/kodim13.jpg'), file('long/raw/kodim13.jpg'));
    await dropFolder(page(), CANVAS, file('long'));
    await expect.poll(async () => (await page().getByTestId('batch-run').first().locator('.title').textContent()) ?? '').toBe('long');
    await page().reload();
    await expect.poll(async () => (await page().getByTestId('batch-run').first().locator('.title').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toBe('long');
    expect(await page().getByTestId('batch-summary').first().textContent()).toMatch(/ · \d to go$/);
    await page().getByRole('button', { name: 'Cancel batch' }).press('Enter');
    // Ended, not just begun to be cancelled: the photos' updates arrive one by one (one request
    // cancels them all), and "1 cancelled · 5 to go" still has its Cancel batch (and the focus).
    await expect.poll(() => page().getByTestId('batch-summary').first().textContent(), { timeout: 60_000 }).toMatch(/ · \d cancelled$/);
    // Cancel batch is gone with the batch: the focus went on to clearing it.
    await expect.poll(() => focusedTestId(page())).toBe('batch-clear');
    const doneBefore = (await readdir(file('long'))).filter((f) => f.includes('-unshaken')).length;
    expect(doneBefore).toBeLessThan(6);
    // The restored card still says what the batch runs with, and what it left out.
    const long = page().getByTestId('batch-run').filter({ hasText: 'long' });
    expect(await long.getByTestId('batch-settings').textContent()).toMatch(/^Base model — Unshake base at 100 %$/);
    expect(await long.getByTestId('batch-subfolders').textContent()).toMatch(/^\s*1 subfolder not included: drop it to deblur its photos\.\s*$/);
    // Run again finishes what was left, with the batch's own settings (PNG chosen since does
    // not apply to it); its card replaces this one.
    await services().dispatch('settings:set', { outputFormat: 'png' });
    try {
      await long.getByRole('button', { name: 'Run long again for the photos not done' }).press('Enter');
      // Its card is replaced by the new run's: the focus goes to that run's Cancel batch.
      await expect.poll(() => focusedTestId(page())).toBe('batch-cancel');
      const summary = `${6 - doneBefore} done${doneBefore ? ` · ${doneBefore} already done or under way` : ''}`;
      // Up to six 1.3 MP deblurs with the base model: minutes beside another test file on two busy cores.
      await expect.poll(() => page().getByTestId('batch-summary').first().textContent(), { timeout: 180_000 }).toBe(summary);
      expect(await page().getByTestId('batch-run').filter({ hasText: 'long' }).count()).toBe(1);
      expect((await readdir(file('long'))).filter((f) => f.includes('-unshaken')).sort()).toEqual(['13', '14', '15', '16', '17', '18'].map((n) => `kodim${n}-unshaken.jpg`));
    } finally {
      // Else the later batches would write PNGs.
      await services().dispatch('settings:set', { outputFormat: 'same' });
    }
  }, 300_000);

  it('Cancel batch left with a click elsewhere does not pull the focus back when it goes', async () => {
    await mkdir(file('long2'));
    for (const name of ['kodim13', 'kodim14', 'kodim15']) await copyFile(file(`long/${name}.jpg`), file(`long2/${name}.jpg`));
    await dropFolder(page(), CANVAS, file('long2'));
    const run = page().getByTestId('batch-run').filter({ hasText: 'long2' });
    await run.getByRole('button', { name: 'Cancel batch' }).focus();
    await run.locator('.title').click();
    expect(await focusedTestId(page())).toBe('body');
    // Cancelled from elsewhere (as a quit or another window would), not with the button.
    const reply = await services().dispatch('job:batch-runs', {});
    if (!reply.ok) throw new Error(reply.error.message);
    const under = (reply.value as { title: string; items: { jobId: string }[] }[]).find((r) => r.title === 'long2');
    for (const item of under?.items ?? []) await services().dispatch('job:cancel', { jobId: item.jobId });
    // Every photo's update in (not just the first): only then is Cancel batch gone, and the check below means something.
    await expect.poll(() => run.getByTestId('batch-summary').textContent(), { timeout: 60_000 }).toMatch(/ · \d cancelled$/);
    await expect.poll(() => page().getByTestId('batch-clear').count()).toBe(1);
    // Two frames on, long after a hand-back would have run (it waits one update).
    await page().evaluate(() => {
      const w = globalThis as unknown as { requestAnimationFrame(callback: () => void): number };
      return new Promise<void>((resolve) => w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve())));
    });
    expect(await focusedTestId(page())).toBe('body');
  });

  it('two folders dropped together whose damaged photos share a name: both named, counts kept current', async () => {
    // A third folder with no photos is left out and said, not the end of the batch.
    await mkdir(file('day3-notes'));
    await writeFile(file('day3-notes/plan.txt'), 'no photos');
    await dropFolders(page(), CANVAS, [file('day1'), file('day2'), file('day3-notes')]);
    await expect.poll(async () => (await summaries())[0], { timeout: 60_000 }).toBe('2 done · 2 failed');
    expect(await page().getByTestId('batch-run').first().getByTestId('batch-left-out').allTextContents()).toEqual([`${file('day3-notes')} holds no photos (JPEG, PNG, TIFF, WebP, HEIF/AVIF or GIF files).`]);
    const failures = await page().getByTestId('batch-run').first().locator('ul.failures li').allTextContents();
    expect(failures.map((f) => f.split(':')[0])).toEqual(['day1/IMG_0001.jpg', 'day2/IMG_0001.jpg']);
    expect(await page().getByTestId('batch-run').first().locator('.title').textContent()).toBe('3 items');
    // An ended batch comes back after a reload, with its failures and Run again.
    await page().reload();
    const ended = page().getByTestId('batch-run').filter({ hasText: '3 items' });
    await expect.poll(() => ended.getByTestId('batch-summary').textContent(), { timeout: 30_000 }).toBe('2 done · 2 failed');
    expect(await ended.getByRole('button', { name: 'Run 3 items again for the photos not done' }).count()).toBe(1);
    // Finished batches can be cleared from the list, also for after a reload; the results stay.
    await page().getByTestId('batch-clear').click();
    expect(await page().getByTestId('batch-run').count()).toBe(0);
    await page().reload();
    await appLoaded(page());
    await expect.poll(() => pendingRequests(page())).toBe(0);
    expect(await page().getByTestId('batch-run').count()).toBe(0);
    expect((await readdir(file('day1'))).sort()).toEqual(['IMG_0001.jpg', 'IMG_0002-unshaken.jpg', 'IMG_0002.jpg']);
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });

  it('two cards’ DCIM/100CANON dropped together: each damaged IMG_0001.JPG named with the folders that tell it apart', async () => {
    await appLoaded(page());
    const whole = await readFile(file('card/kodim07.jpg'));
    for (const card of ['card1', 'card2']) {
      await mkdir(file(`${card}/DCIM/100CANON`), { recursive: true });
      await writeFile(file(`${card}/DCIM/100CANON/IMG_0001.JPG`), whole.subarray(0, whole.length / 4));
    }
    await dropFolders(page(), CANVAS, [file('card1/DCIM/100CANON'), file('card2/DCIM/100CANON')]);
    const run = page().getByTestId('batch-run').filter({ hasText: '2 items' });
    await expect.poll(() => run.getByTestId('batch-summary').textContent(), { timeout: 60_000 }).toBe('0 done · 2 failed');
    const failures = await run.locator('ul.failures li').allTextContents();
    // As the CLI's log names them (batch-names.ts): "100CANON/IMG_0001.JPG" would be both.
    expect(failures.map((f) => f.split(':')[0])).toEqual(['card1/DCIM/100CANON/IMG_0001.JPG', 'card2/DCIM/100CANON/IMG_0001.JPG']);
  });
});
