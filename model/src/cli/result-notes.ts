import { resolveOutputFormat } from '../image/formats.js';
import { resultNotes } from '../image/result-notes.js';
import { deblurFile, type DeblurFileOptions, type DeblurFileResult } from '../infer/deblur-file.js';

export type NotedResult = DeblurFileResult & { notes: string[] };

/** deblurFile, with what its result leaves out of the photo in words (image/result-notes.ts). */
export async function deblurWithNotes(input: string, options: DeblurFileOptions): Promise<NotedResult> {
  const result = await deblurFile(input, options);
  return { ...result, notes: resultNotes(result.source, resolveOutputFormat(result.source.format, 'same', result.outPath)) };
}
