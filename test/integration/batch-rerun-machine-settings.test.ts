import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../electron/common/ipc-contract.js';
import { DEFAULT_SETTINGS } from '../../electron/common/settings-schema.js';
import { jobEnds, ok, restartTestServices, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Run again and Resume keep a batch's output settings (format, where, name) but run on today's
 * graphics-card choice and largest-photo limit: through the real services and engine. A changed
 * graphics-card choice also takes the last job's processor off the status bar (app:info).
 */
type BatchReply = { runId: string; items: { jobId: string; input: string; output: string }[]; alreadyDone: { input: string; output: string }[] };
const CPU_ONLY = [{ name: 'cpu', ok: true, reason: null }];

const ends = (t: ServicesUnderTest, items: BatchReply['items']) => jobEnds(t.services, items);
const provider = async (t: ServicesUnderTest) => ok<{ executionProvider: ExecutionProviderInfo | null }>(await t.services.dispatch('app:info', {})).executionProvider;
/** A small photo, and one of 1.1 megapixels: over a 1-megapixel limit, under 2. */
async function card(folder: string): Promise<void> {
  await mkdir(folder);
  const flat = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 30 } } }).png();
  await flat(96, 64).toFile(path.join(folder, 'a.png'));
  await flat(1100, 1000).toFile(path.join(folder, 'big.png'));
}

describe('a batch run again or resumed after the settings changed', () => {
  const open: ServicesUnderTest[] = [];
  afterAll(async () => {
    for (const t of open) await t.services.close();
  });

  it('Run again: the batch format, today’s processor and photo limit; the status bar forgets the old processor', async () => {
    const t = await startTestServices('rerun-machine');
    open.push(t);
    const folder = path.join(t.workDir, 'card');
    await card(folder);
    ok(await t.services.dispatch('settings:set', { preferredExecutionProvider: 'auto', outputFormat: 'png', maxMegapixels: 1 }));
    const first = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    const firstEnds = await ends(t, first.items);
    expect(firstEnds.map((end, i) => [path.basename(first.items[i]!.input), end.state.status])).toEqual([['a.png', 'done'], ['big.png', 'failed']]);
    expect(await provider(t)).not.toBeNull();

    // Another output setting keeps the processor shown; another processor choice clears it.
    ok(await t.services.dispatch('settings:set', { jpegQuality: 80 }));
    expect(await provider(t)).not.toBeNull();
    ok(await t.services.dispatch('settings:set', { preferredExecutionProvider: 'cpu', outputFormat: 'jpeg', maxMegapixels: 2 }));
    expect(await provider(t)).toBeNull();

    const again = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder', again: first.runId }));
    expect(again.alreadyDone.map((item) => path.basename(item.output))).toEqual(['a-unshaken.png']);
    expect(again.items.map((item) => path.basename(item.output))).toEqual(['big-unshaken.png']);
    expect((await ends(t, again.items)).map((end) => end.state.status)).toEqual(['done']);
    expect((await provider(t))?.tried).toEqual(CPU_ONLY);
    expect((await readdir(folder)).sort()).toEqual(['a-unshaken.png', 'a.png', 'big-unshaken.png', 'big.png']);
  });

  it('a batch photo still running when the processor choice changes does not name its processor again', async () => {
    const t = await startTestServices('choice-mid-batch');
    open.push(t);
    const folder = path.join(t.workDir, 'card');
    await card(folder);
    ok(await t.services.dispatch('settings:set', { preferredExecutionProvider: 'auto', maxMegapixels: 2 }));
    const batch = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    // Changed while the engine is still starting for the batch's first photo.
    ok(await t.services.dispatch('settings:set', { preferredExecutionProvider: 'cpu' }));
    expect((await ends(t, batch.items)).map((end) => end.state.status)).toEqual(['done', 'done']);
    expect(await provider(t)).toBeNull();
  });

  it('Resume: the interrupted batch’s format, today’s processor and photo limit', async () => {
    const first = await startTestServices('resume-machine');
    const folder = path.join(first.workDir, 'card');
    await card(folder);
    await first.services.close();
    // As a quit leaves it: the batch started on 'auto', PNG, a 1-megapixel limit; nothing done.
    const runId = 'batch_00112233445566aa';
    const settings = { ...DEFAULT_SETTINGS, preferredExecutionProvider: 'auto', outputFormat: 'png', maxMegapixels: 1 };
    const record = { runId, title: 'card', paths: [folder], strength: 1, modelId: 'placeholder', settings, photos: 2, alreadyDone: 0, queued: 2, startedAt: 1 };
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), JSON.stringify({ batch: record }) + '\n');
    const t = await restartTestServices(first);
    open.push(t);
    ok(await t.services.dispatch('settings:set', { preferredExecutionProvider: 'cpu', outputFormat: 'jpeg', maxMegapixels: 2 }));
    const resumed = ok<BatchReply>(await t.services.dispatch('job:batch-resume', { runId }));
    expect(resumed.items.map((item) => path.basename(item.output))).toEqual(['a-unshaken.png', 'big-unshaken.png']);
    expect((await ends(t, resumed.items)).map((end) => end.state.status)).toEqual(['done', 'done']);
    expect((await provider(t))?.tried).toEqual(CPU_ONLY);
  });
});
