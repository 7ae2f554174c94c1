/** A deblur result main holds on disk (userData/results/<jobId>.png). */
export interface HeldResult {
  jobId: string;
  imageId: string;
  bytes: number;
}

export interface ResultPolicy {
  /** Results held, oldest first (the order their deblurs were asked for). */
  held: readonly HeldResult[];
  /** Whether the registry still has the photo: a forgotten one can no longer be shown or deblurred. */
  isOpen(imageId: string): boolean;
  /**
   * Never removed but with their photo: the result on screen, the one a re-run of it would bring
   * back if it is cancelled or fails, and those a save or a preview is reading now.
   */
  pinned: ReadonlySet<string>;
  /** The photo on screen: the size budget is never paid with its results. */
  shownImageId: string | null;
  /** Results kept per photo besides the pinned ones: the newest, and the one before it. */
  perPhoto: number;
  /** What the results may take together before the oldest of other photos go. */
  budgetBytes: number;
}

/**
 * Which held results to remove, oldest first. A photo's results beyond its newest `perPhoto`
 * could be brought back only from an old job card, and a 24 MP result is ~28 MB of PNG (twice
 * that at 16 bits): 40 photos deblurred a few times filled gigabytes of the system disk.
 */
export function resultsToRemove(policy: ResultPolicy): string[] {
  const { held, pinned } = policy;
  const remove = new Set<string>();
  const perPhoto = new Map<string, number>();
  for (const result of [...held].reverse()) {
    if (!policy.isOpen(result.imageId)) {
      remove.add(result.jobId);
      continue;
    }
    const newer = perPhoto.get(result.imageId) ?? 0;
    perPhoto.set(result.imageId, newer + 1);
    if (newer >= policy.perPhoto && !pinned.has(result.jobId)) remove.add(result.jobId);
  }
  let total = held.reduce((sum, result) => (remove.has(result.jobId) ? sum : sum + result.bytes), 0);
  for (const result of held) {
    if (total <= policy.budgetBytes) break;
    if (remove.has(result.jobId) || pinned.has(result.jobId) || result.imageId === policy.shownImageId) continue;
    remove.add(result.jobId);
    total -= result.bytes;
  }
  return held.filter((result) => remove.has(result.jobId)).map((result) => result.jobId);
}
