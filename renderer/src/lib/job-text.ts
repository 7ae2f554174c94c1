import type { JobKind, JobSnapshot, OutputFormat } from '../../../electron/common/index.js';
import { RESULT_EXTENSIONS, resultExtension, splitExtension, type ResultFormat } from '../../../electron/common/result-name.js';
import { formatPercent } from './format.js';

/** The job the engine is running while another waits: its kind, and its photo when known. */
export type JobAhead = { kind: JobKind; fileName: string | undefined };

/**
 * One line a person can read for a job in any state; shared by the status bar and job panel.
 * A queued job names what it waits for, when that is known.
 */
export function describeJob(job: JobSnapshot, ahead: JobAhead | null = null): string {
  const { state } = job;
  switch (state.status) {
    case 'queued':
      return describeWait(ahead);
    case 'running':
      return `${state.progress.stage} · ${formatPercent(state.progress.fraction)}`;
    case 'done':
      // Main keeps a photo's newest results (and drops the oldest past its disk budget): no Show, no Save.
      if (state.resultLost) return 'Result file removed or cut short: deblur the photo again';
      return state.resultRemoved ? 'Result no longer kept: deblur the photo again to save it' : 'Done';
    case 'failed':
      return state.error.message;
    case 'cancelled':
      return 'Cancelled';
  }
}

function describeWait(ahead: JobAhead | null): string {
  if (!ahead) return 'Waiting to start…';
  if (ahead.fileName) return `Waiting for ${ahead.fileName} to finish…`;
  return ahead.kind === 'batch-item' ? 'Waiting for a batch photo to finish…' : 'Waiting for another deblur to finish…';
}

const KIND_LABELS: Record<JobKind, string> = {
  deblur: 'Deblur',
  'batch-item': 'Batch item',
  training: 'Training',
};

export function jobKindLabel(kind: JobKind): string {
  return KIND_LABELS[kind];
}

/**
 * What a screen reader hears about a job: one sentence per state, never its progress (a 24 MP
 * deblur streams dozens of updates). Failures say only that: the error banner, an alert, says why.
 */
export function announceJob(job: JobSnapshot, fileName: string | null, savedAs: string | null): string {
  const kind = jobKindLabel(job.kind);
  const photo = fileName ? `: ${fileName}` : '';
  switch (job.state.status) {
    case 'queued':
    case 'running':
      return `${kind} started${photo}`;
    case 'done':
      return savedAs ? `Saved as ${savedAs}` : `${kind} done${photo}`;
    case 'failed':
      return `${kind} failed`;
    case 'cancelled':
      return `${kind} cancelled`;
  }
}

/** The last part of a path, for either separator (main may run on Windows). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A folder's own name, whichever separator the platform uses (a trailing one ignored). */
export function folderName(folder: string): string {
  return baseName(folder.replace(/[\\/]+$/, ''));
}

/**
 * A saved file as the status bar names it: its name, and its folder's name when it is not the
 * original's (a Save As… elsewhere): "ladybird.png in For print".
 */
export function savedName(savedPath: string, originalPath: string | undefined): string {
  const name = baseName(savedPath);
  const folder = savedPath.slice(0, savedPath.length - name.length);
  if (!originalPath || originalPath.slice(0, originalPath.length - baseName(originalPath).length) === folder) return name;
  return `${name} in ${folderName(folder) || folder}`;
}

/**
 * The name Save gives a result by default, as main's save service picks it (one rule with the
 * batch and the CLI: electron/common/result-name.ts): next to the original, the settings'
 * suffix, the original's spelling of the extension when the output keeps its type. Main adds
 * "-2", "-3"… when the name is taken, which only it can know.
 */
export function defaultSaveName(fileName: string, sourceFormat: string, settings: { outputFormat: OutputFormat; outputSuffix: string }): string {
  const { stem, extension } = splitExtension(fileName);
  // "Same" writes what the photo is (its content, not its name), as main resolves it.
  const format = settings.outputFormat !== 'same' ? settings.outputFormat : Object.hasOwn(RESULT_EXTENSIONS, sourceFormat) ? (sourceFormat as ResultFormat) : 'png';
  return stem + settings.outputSuffix + resultExtension(extension, format);
}
