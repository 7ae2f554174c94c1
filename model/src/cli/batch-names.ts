import path from 'node:path';

/**
 * How the batch's log names each photo: its file name, or, when another photo of the batch has
 * that name (IMG_0100.jpg in two cards' folders), as many of its folders as tell them apart
 * (A/IMG_0100.jpg, B/IMG_0100.jpg), as the app's Batch panel does. `inputs` are whole paths.
 */
export function batchNames(inputs: readonly string[]): string[] {
  const parts = inputs.map((input) => path.resolve(input).split(path.sep).filter(Boolean));
  const tail = (segments: string[], count: number) => segments.slice(-count).join('/');
  return parts.map((segments, i) => {
    let count = 1;
    // Distinct paths always differ somewhere: at worst the whole path names it.
    while (count < segments.length && parts.some((other, j) => j !== i && tail(other, count) === tail(segments, count))) count++;
    return tail(segments, count);
  });
}
