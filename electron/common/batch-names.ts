/**
 * How a batch names each photo, in the CLI's log and the app's Batch panel alike: its file name,
 * or, when another photo of the batch has that name (IMG_0100.jpg in two cards' folders), as many
 * of its folders as tell them apart (A/IMG_0100.jpg, B/IMG_0100.jpg; card1/DCIM/100CANON/IMG_1.JPG).
 * `inputs` are whole paths, split at either separator (main may run on Windows). Counted a level
 * at a time (how many photos end alike in their last n parts), so a card of thousands of photos
 * is named at once, not by comparing every photo with every other.
 */
export function batchNames(inputs: readonly string[]): string[] {
  const parts = inputs.map((input) => input.split(/[\\/]+/).filter(Boolean));
  const tail = (segments: string[], count: number) => segments.slice(-count).join('/');
  const counts = parts.map(() => 1);
  const open = new Set(parts.keys());
  for (let level = 1; open.size > 0; level++) {
    const alike = new Map<string, number>();
    for (const segments of parts) {
      const key = tail(segments, level);
      alike.set(key, (alike.get(key) ?? 0) + 1);
    }
    for (const i of open) {
      // Unique at this level, or the whole path already (distinct paths always differ somewhere).
      if (alike.get(tail(parts[i]!, level)) === 1 || level >= parts[i]!.length) open.delete(i);
      else counts[i] = level + 1;
    }
  }
  return parts.map((segments, i) => tail(segments, counts[i]!));
}
