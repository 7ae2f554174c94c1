import path from 'node:path';
import type { ErrorInfo } from '../../../electron/common/error-codes.js';
import { toErrorInfo } from '../errors.js';
import type { DeblurFileResult } from '../infer/deblur-file.js';
import type { StopSignal } from './interrupt-cleanup.js';

/**
 * deblur --json: one summary on stdout when the command has run, for one photo or a batch alike,
 * so a script need not parse "wrote <path> (…)" (ambiguous for a path holding " ("). The human
 * lines go to stderr instead. A photo that fails is a "failed" record, given alone or with others
 * (exit 1 either way); a command that fails as a whole (a usage error, a model that is not there)
 * prints no JSON: its exit code and `error [CODE]` line say it. One stopped by a signal prints
 * what it had done, the photo in progress "stopped", and "interrupted": the signal.
 */
export type PhotoRecord =
  | {
      input: string;
      status: 'done';
      output: string;
      bytes: number;
      width: number;
      height: number;
      seconds: number;
      tiles: number;
      model: string;
      executionProvider: string;
      /** What the result leaves out of the photo (other pages, an extra channel…), in words. */
      notes: string[];
    }
  /** Its result was there already (an earlier run), or another run wrote it meanwhile. */
  | { input: string; status: 'already-done'; output: string }
  | { input: string; status: 'failed'; error: Pick<ErrorInfo, 'code' | 'message'> }
  /** Not tried: its results folder cannot be written (`reason`, said once per folder on stderr). Exit 1, as a failure. */
  | { input: string; status: 'left-out'; reason: string }
  /** In progress when a signal stopped the command; `output` only where its result was complete before. */
  | { input: string; status: 'stopped'; output?: string };

export interface DeblurSummary {
  photos: PhotoRecord[];
  done: number;
  failed: number;
  alreadyDone: number;
  /** Photos left out, only when there are some. */
  leftOut?: number;
  /** The signal that stopped the command before every photo was done. */
  interrupted?: StopSignal;
}

export function doneRecord(input: string, result: DeblurFileResult): PhotoRecord {
  return {
    input: path.resolve(input),
    status: 'done',
    output: result.outPath,
    bytes: result.bytes,
    width: result.width,
    height: result.height,
    seconds: result.seconds,
    tiles: result.tiles,
    model: result.model.id,
    executionProvider: result.executionProvider.active,
    notes: result.notes,
  };
}

export type FailedRecord = Extract<PhotoRecord, { status: 'failed' }>;

export function failedRecord(input: string, error: unknown): FailedRecord {
  const { code, message } = toErrorInfo(error);
  return { input: path.resolve(input), status: 'failed', error: { code, message } };
}

export function stoppedRecord(input: string, stop: { target: string; written: boolean }): PhotoRecord {
  return { input: path.resolve(input), status: 'stopped', ...(stop.written ? { output: stop.target } : {}) };
}

export function summaryJson(photos: PhotoRecord[], interrupted?: StopSignal): string {
  const count = (status: PhotoRecord['status']) => photos.filter((p) => p.status === status).length;
  const leftOut = count('left-out');
  const summary: DeblurSummary = { photos, done: count('done'), failed: count('failed'), alreadyDone: count('already-done'), ...(leftOut > 0 ? { leftOut } : {}), ...(interrupted ? { interrupted } : {}) };
  return JSON.stringify(summary, null, 2);
}
