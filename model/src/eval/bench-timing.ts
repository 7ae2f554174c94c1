/**
 * Timing for the bench: one warm-up run (ORT allocates its arena and picks kernels on the
 * first call), then the median of up to `runs` timed runs, stopping early once `budgetSeconds`
 * is spent so a slow machine still finishes. The median resists the odd disturbed run.
 */
export interface Timing {
  median: number;
  runs: number;
  min: number;
}

export async function timeMedian(run: () => Promise<unknown>, options: { runs?: number; budgetSeconds?: number } = {}): Promise<Timing> {
  const runs = options.runs ?? 5;
  const budget = options.budgetSeconds ?? 10;
  await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs && (samples.length < 3 || (performance.now() - start) / 1000 < budget)) {
    const t = performance.now();
    await run();
    samples.push((performance.now() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { median, runs: samples.length, min: samples[0]! };
}
