import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { settingsForRerun } from '../../common/batch-output-settings.js';
import { BATCH_SUBFOLDER, type Settings } from '../../common/settings-schema.js';
import { settingsInForce } from '../../common/stored-settings.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { resultFoldersOf } from '../../../model/src/image/batch-results.js';
import { removeStaleTempFiles } from '../../../model/src/image/stale-temp-files.js';
import type { ServiceContext } from './context.js';

type StartBatch = (
  request: IpcParsedRequest<'batch'>,
  options: { settings: Settings; leftOut: string[]; cancelled: readonly string[]; handedOverBefore: true },
) => Promise<IpcResponse<'batch'>>;

/**
 * Batches an earlier session left unfinished (a crash, a kill, a quit mid-batch): listed for the
 * Batch panel, resumed with the output settings they started with (today's graphics-card choice
 * and photo limit: settingsForRerun), or dismissed. A resume is a batch of
 * the same paths: results already written are found and skipped, so no photo runs twice, and
 * photos the user cancelled before the interruption are left out.
 */
export function createBatchResumeServices(
  context: ServiceContext,
  startBatch: StartBatch,
): {
  interruptedBatches: () => Promise<IpcResponse<'interruptedBatches'>>;
  journalNotice: () => Promise<IpcResponse<'journalNotice'>>;
  resumeBatch: (request: IpcParsedRequest<'resumeBatch'>) => Promise<IpcResponse<'resumeBatch'>>;
  dismissBatch: (request: IpcParsedRequest<'dismissBatch'>) => Promise<IpcResponse<'dismissBatch'>>;
} {
  const store = context.interruptedBatches;
  // A second press of Resume while the first is planning is refused, not a second batch.
  const resuming = new Set<string>();
  return {
    interruptedBatches: async () =>
      store.list().map(({ runId, title, paths, strength, modelId, photos, done, cancelled, startedAt }) => ({ runId, title, paths, strength, modelId, photos, done, cancelled: cancelled.length, startedAt })),
    journalNotice: async () => ({ notice: store.takeNotice() }),
    async resumeBatch({ runId }) {
      const run = store.get(runId);
      if (!run || resuming.has(runId)) throw new UnshakeError('INVALID_REQUEST', 'That interrupted batch is no longer there: it was resumed or dismissed.');
      resuming.add(runId);
      try {
        const present: string[] = [];
        const gone: string[] = [];
        for (const p of run.paths) ((await stat(p).catch(() => null)) ? present : gone).push(p);
        if (present.length === 0) {
          const what = run.paths.length === 1 ? `${run.paths[0]} is no longer there` : `None of its ${run.paths.length} folders and photos is there any more`;
          throw new UnshakeError(
            'FILE_NOT_FOUND',
            `${what} (moved, renamed, or on a disk that is not connected), so the batch cannot be resumed. Connect the disk and try again, or drop the folder where it is now (photos already done are skipped) and Dismiss this one.`,
          );
        }
        // The user handed these over in the session that started the batch: planned as such, and
        // granted again only once it has started (below), never before a check could refuse it.
        const reply = await startBatch(
          { paths: present, strength: run.strength, modelId: run.modelId, title: run.title },
          // Photos the user cancelled before the interruption stay cancelled: a resume finishes the rest.
          {
            settings: settingsForRerun(settingsInForce(run.settings), context.settings.get()),
            leftOut: gone.map((p) => `${p} is no longer there: its photos were left out.`),
            cancelled: run.cancelled,
            handedOverBefore: true,
          },
        ).catch((error: unknown) => {
          // Its model was deleted by hand since: a resume runs with no other.
          if (!(error instanceof UnshakeError) || error.code !== 'MODEL_NOT_FOUND') throw error;
          throw new UnshakeError(
            'MODEL_NOT_FOUND',
            `${error.message.replace(/\.$/, '')}, and this batch ran with it. Dismiss it, then drop the folder again to finish with another model: photos already done are skipped.`,
            { cause: error },
          );
        });
        // Run again names these paths, as after a drop. A disk's root is never granted: it would
        // open every file on it to the page (a record can name one, edited or damaged).
        for (const p of present) if (path.dirname(p) !== p) context.granted.grant(p);
        store.close(runId);
        return { ...reply, paths: present };
      } finally {
        resuming.delete(runId);
      }
    },
    async dismissBatch({ runId }) {
      const run = store.get(runId);
      store.close(runId);
      // The killed run's full-size temp files would otherwise stay for good: nothing plans a batch
      // there again. Only those whose writer is gone go, as at planning: a batch still writing
      // into the same folder (this app's engine, the CLI) keeps its own.
      if (run) await removeStaleTempFiles((await Promise.all(run.paths.map(resultFoldersFor))).flat());
      return { dismissed: true as const };
    },
  };
}

/** Where a batch of this dropped path wrote: a folder's own and its Unshaken subfolder, or a photo's. None if it is gone. */
async function resultFoldersFor(dropped: string): Promise<string[]> {
  const info = await stat(dropped).catch(() => null);
  if (!info) return [];
  return info.isDirectory() ? [dropped, path.join(dropped, BATCH_SUBFOLDER)] : resultFoldersOf(dropped, BATCH_SUBFOLDER);
}
