import type { EngineClient } from '../engine/engine-client.js';
import type { JobResult } from './context.js';

/** A result's file, and the pixel limit it is read with (the one its deblur ran with). */
export type ResultFile = Pick<JobResult, 'resultPath' | 'maxMegapixels' | 'previewEdge'>;

export interface ResultPreview {
  jpeg: Uint8Array;
  width: number;
  height: number;
}

export interface ResultPreviews {
  /**
   * The screen-size JPEG of a job's result, made by the engine once per job: the deblur job asks
   * first (to learn its size for the `done` snapshot), the image protocol then serves the same.
   */
  get(jobId: string, file: ResultFile, signal?: AbortSignal): Promise<ResultPreview>;
  /** Drops a removed result's preview: it is no longer shown. */
  forget(jobId: string): void;
}

/**
 * Keeps the previews of the most recent results only, so a long session does not hold every
 * one in memory; an evicted or failed one is simply made again on the next request.
 */
export function createResultPreviews(
  engine: EngineClient,
  maxEntries = 16,
): ResultPreviews {
  const previews = new Map<string, Promise<ResultPreview>>();
  return {
    get(jobId, { resultPath, maxMegapixels, previewEdge }, signal) {
      const known = previews.get(jobId);
      if (known) return known;
      const made = engine.request('preview', { path: resultPath, maxEdge: previewEdge, maxMegapixels }, signal ? { signal } : {});
      previews.set(jobId, made);
      made.catch(() => {
        if (previews.get(jobId) === made) previews.delete(jobId);
      });
      while (previews.size > maxEntries) previews.delete(previews.keys().next().value as string);
      return made;
    },
    forget: (jobId) => void previews.delete(jobId),
  };
}
