import path from 'node:path';
import type { EditorSave, IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { defaultOutputPath } from '../../../model/src/image/encode.js';
import { resolveOutputFormat, type WritableFormat } from '../../../model/src/image/formats.js';
import { withFreeDefaultName } from '../../../model/src/image/free-output-name.js';
import { removeStaleTempFiles } from '../../../model/src/image/stale-temp-files.js';
import { formatNotes } from '../../../model/src/image/result-notes.js';
import { changedSinceOpenedNote } from './changed-since-opened.js';
import type { JobResult, ServiceContext } from './context.js';
import { findJob } from './job-status.js';
import { requireAbsolutePath } from './paths.js';
import { notKeptError, readResult } from './result-read.js';

/**
 * A save as main asks for it: the window's request (which names no path, so a page cannot aim the
 * writer at a file of its choosing), or Save As… with the path the system's dialog returned.
 */
export type SaveRequest = IpcParsedRequest<'save'> & { path?: string; overwrite?: boolean };

/**
 * Writes a finished job's result in the user's format, next to the original by default
 * ("photo-unshaken.jpg"), with the original's EXIF/ICC. encodeImage in the worker writes
 * atomically, refuses an existing file unless overwrite was chosen, and never writes over the
 * original (same device + inode, so links and other spellings are caught too). A default name
 * taken meanwhile (two saves of one photo at once) moves on to the next free one.
 */
export function createSaveService(context: ServiceContext): (request: SaveRequest) => Promise<IpcResponse<'save'>> {
  const write = writeSave(context);
  return async (request) => {
    const writing = write(request);
    context.savesWriting.add(writing);
    try {
      return await writing;
    } finally {
      context.savesWriting.delete(writing);
    }
  };
}

function writeSave(context: ServiceContext): (request: SaveRequest) => Promise<IpcResponse<'save'>> {
  return async (request) => {
    finishedResult(context, request.jobId);
    // Held until the file is written: a result removed meanwhile (prune-results.ts) stays until
    // then; one whose file was deleted or cut short since says so (result-read.ts).
    return readResult(context, request.jobId, (result) => writeLeased(context, request, result));
  };
}

async function writeLeased(context: ServiceContext, request: SaveRequest, result: JobResult): Promise<IpcResponse<'save'>> {
  const keep = shareToKeep(result.strength, request.strength);
  const settings = context.settings.get();
  // A name chosen in Save As…'s dialog speaks for itself; otherwise the preferred output format.
  const requested = request.format ?? (request.path ? 'same' : settings.outputFormat);
  const format = resolveOutputFormat(result.sourceFormat, requested, request.path);
  // The Output panel's setting (the window sends it with the save): at least a JPEG photo's own quality.
  const quality = request.quality ?? settings.jpegQuality;
  const encode = (outPath: string, overwrite: boolean) =>
    context.engine
      .request('encode', {
        resultPath: result.resultPath,
        source: result.source,
        outPath,
        format,
        quality,
        overwrite,
        // The deblur's limit, not today's: the result and its photo were accepted under it (context.ts).
        maxMegapixels: result.maxMegapixels,
        ...(keep < 1 ? { keep } : {}),
      })
      .catch(async (error: unknown) => {
        // An engine that died mid-write (killed, out of memory) cleaned up nothing: its hidden
        // full-size temp files would stay beside the photo. Only a dead writer's are removed.
        await removeStaleTempFiles([path.dirname(outPath)]);
        throw error;
      });
  const defaultName = () => defaultSavePath(result, format, settings.outputSuffix);
  const saved = request.path
    ? await encode(requireAbsolutePath(request.path, 'output path'), request.overwrite ?? false)
    : // A default name was free when chosen: it never replaces a file, even one saved meanwhile.
      await withFreeDefaultName(defaultName(), defaultName, (outPath) => encode(outPath, false));
  // An HDR photo's gain map saved as PNG, TIFF or WebP, transparency flattened in a JPEG, the
  // setting raised to a JPEG photo's own quality, the photo changed on disk since: said with the save.
  const { gainMap, transparent, format: sourceFormat, jpegQuality } = result.source;
  const changed = await changedSinceOpenedNote(context, result.imageId);
  const notes = [...formatNotes({ path: result.sourcePath, gainMap, transparent, format: sourceFormat, jpegQuality }, format, { quality }), ...(changed ? [changed] : [])];
  // Listed on the job's card again after a reload, as the window listed it, with its notes.
  const strength = request.strength ?? result.strength;
  const via = request.path ? 'save-as' : 'save';
  recordEditorSave(context, request.jobId, {
    path: saved.path,
    bytes: saved.bytes,
    strength,
    via,
    ...(request.quality ? { quality: request.quality } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  });
  return notes.length > 0 ? { ...saved, notes } : saved;
}

/**
 * A save on its job's list. An earlier save of the same path (its file was deleted and saved
 * again, or replaced by Save As…) holds this one's file now: it leaves every job's list.
 */
function recordEditorSave(context: ServiceContext, jobId: string, save: EditorSave): void {
  for (const deblur of context.editorDeblurs.values()) deblur.saves = deblur.saves.filter((earlier) => earlier.path !== save.path);
  context.editorDeblurs.get(jobId)?.saves.push(save);
}

/** A finished deblur's result, or why the job cannot be saved. */
export function finishedResult(context: ServiceContext, jobId: string): JobResult {
  const job = findJob(context, jobId);
  if (job.state.status !== 'done') throw new UnshakeError('JOB_NOT_DONE', `This job is ${job.state.status}; only a finished deblur can be saved.`);
  const result = context.results.get(jobId);
  if (!result) throw notKeptError(context, jobId);
  return result;
}

/**
 * Where Save writes by default: next to the original with the settings' suffix
 * ("photo-unshaken.jpg", numbered past names taken); in `folder` instead, if given. Named by the
 * batch's and the CLI's rule (output-path.ts), so a Save after a batch finds the batch's file.
 */
export function defaultSavePath(result: JobResult, format: WritableFormat, suffix: string, folder?: string): string {
  const source = folder ? path.join(folder, path.basename(result.sourcePath)) : result.sourcePath;
  return defaultOutputPath(source, suffix, format);
}

/**
 * The share of the result's change a save at `wanted` keeps. Less than the job's strength is a
 * blend of its result with the original; more would amplify the result's rounding and cannot
 * be made without the network, so it asks for another deblur.
 */
function shareToKeep(made: number, wanted: number | undefined): number {
  if (wanted === undefined || wanted === made) return 1;
  const percent = (v: number) => `${Math.round(v * 100)} %`;
  if (wanted > made) {
    throw new UnshakeError('INVALID_REQUEST', `This result was made at ${percent(made)}; to save it at ${percent(wanted)}, deblur again at that strength.`);
  }
  return wanted / made;
}
