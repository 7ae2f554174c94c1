import type { BenchEndToEnd, BenchReport, Target } from './bench.js';
import type { TrainingBench } from './bench-training.js';

/** The bench as Markdown: ratios first (they compare across machines), then the detail. */
export function benchMarkdown(r: BenchReport): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const mib = (v: number) => `${(v / 2 ** 20).toFixed(0)} MiB`;
  const verdict = (t: Target) => (t.met === null ? 'not measured' : t.met ? 'met' : '**not met**');
  const { best } = r.network;
  // By value: a report read back from bench.json (--train-only) holds the best point as its own copy.
  const isBest = (p: typeof best) => p.tileSize === best.tileSize && p.threads === best.threads;
  const { targets } = r;
  // Older reports have no bit depth: their runs were all 8-bit JPEG. A 0.3 MP photo is not "0 MP".
  const photo = (e: BenchEndToEnd) => `${e.megapixels.toFixed(e.megapixels < 9.5 ? 1 : 0)} MP${e.bitDepth === 16 ? ' 16-bit PNG' : ''}${e.sweepTile ? ` (sweep's best tile ${e.tileSize}²)` : ''}`;
  const lines = [
    `Measured ${r.date} on ${r.machine.cpuModel} (${r.machine.cpus} threads, ${mib(r.machine.totalMemoryBytes)} RAM, ${r.machine.platform}),`,
    `onnxruntime-node ${r.machine.onnxruntime}, EP **${r.executionProvider.active}**` +
      ` (tried: ${r.executionProvider.tried.map((t) => `${t.name} ${t.ok ? 'ok' : 'failed'}`).join(', ')}).` +
      ` Load average ${r.loadAverage.before.toFixed(2)} before, ${r.loadAverage.after.toFixed(2)} after.`,
    `Model "${r.model.id}"${r.model.placeholder ? ' (placeholder)' : ''}: ${r.model.parameters.toLocaleString('en')} parameters,` +
      ` ${r.model.gmacPerMegapixel.toFixed(2)} GMAC/MP counted from the graph (manifest: ${r.model.manifestGmacPerMegapixel ?? 'n/a'}),` +
      ` receptive-field margin ${r.model.receptiveFieldMargin} px.`,
    '',
    '## Ratios (compare these across machines)',
    '',
    "The end-to-end target's reference is the network alone on one whole, untiled image (section below): what the engine adds on top — " +
      'recomputed tile overlaps, gather and blend, decode, colour, encode — is the ratio. Small tiles run faster per pixel than a whole ' +
      'image (their activations stay in cache), which only tiling achieves; the ratio against that best tile is shown too.',
    '',
    '| ratio | value | target | |',
    '|---|---:|---:|---|',
    `| network GFLOP/s ÷ MatMul roofline (tile ${best.tileSize}², ${best.threads} thr) | ${pct(best.rooflineShare)} | ≥ 40 % | ${verdict(targets.rooflineShare)} |`,
    ...r.endToEnd.map((e) => {
      const value = e.overUntiledNetwork;
      const met = value !== undefined && value <= 1.15 ? 'met' : '**not met**';
      const verdictOf =
        value === undefined ? 'not measured' : e.bitDepth === 16 ? 'reported (16-bit PNG: outside the target)' : e.sweepTile ? `reported (${met.replaceAll('*', '')}; not the app's tile)` : met;
      return `| end-to-end ÷ untiled network time per MP, ${photo(e)} | ${value === undefined ? '–' : `${value.toFixed(2)}×`} | ≤ 1.15× | ${verdictOf} |`;
    }),
    ...r.endToEnd.map(
      (e) => `| end-to-end ÷ network on its best tile (${best.tileSize}²) per input MP, ${photo(e)} | ${e.overIsolatedNetwork.toFixed(2)}× | | |`,
    ),
    ...r.endToEnd.map(
      (e) => `| end-to-end ÷ time inside session.run, ${photo(e)} | ${e.overNetworkRun.toFixed(2)}× (${pct(1 - 1 / e.overNetworkRun)} outside the network) | | |`,
    ),
    `| peak RSS, 100 MP photo (worse of 8-bit JPEG and 16-bit PNG when both ran) | ${targets.peakRss100MpBytes.value === null ? 'not run' : mib(targets.peakRss100MpBytes.value)} | ≤ 2048 MiB | ${verdict(targets.peakRss100MpBytes)} |`,
    '',
    '## Roofline',
    '',
    `${r.roofline.matmulSize}² fp32 MatMul, ${r.roofline.threads} threads: **${r.roofline.gflops.toFixed(1)} GFLOP/s** (median of ${r.roofline.runs}, ${r.roofline.medianSeconds.toFixed(3)} s each).`,
    '',
    '## Network alone: tile size × threads',
    '',
    'One tile through `session.run` (median after a warm-up). Useful = share of an interior tile that reaches the output (tiles overlap by 2 × margin + blend).',
    '',
    '| tile | threads | s/tile | GMAC/s | % roofline | useful | s/MP in | s/MP out |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.network.points.map(
      (p) =>
        `| ${p.tileSize}² | ${p.threads} | ${p.medianSeconds.toFixed(3)} | ${p.gmacPerSecond.toFixed(1)} | ${pct(p.rooflineShare)} | ${pct(p.usefulFraction)} | ${p.inputSecondsPerMegapixel.toFixed(3)} | ${p.outputSecondsPerMegapixel.toFixed(3)}${isBest(p) ? ' ←' : ''} |`,
    ),
    '',
    ...untiledMarkdown(r),
    '## Graph optimisation (ORT), at the best tile',
    '',
    '| level | session create s | run s/tile |',
    '|---|---:|---:|',
    ...r.graphOptimisation.map((g) => `| ${g.level} | ${g.createSeconds.toFixed(3)} | ${g.runSeconds.toFixed(3)} |`),
    '',
    '## End to end (decode → deblur → encode, same format out as in, each photo in its own process)',
    '',
    '| photo | bits | total s | s/MP | decode s | deblur s | in session.run s | encode s | tiles | peak RSS | accumulator |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.endToEnd.map(
      (e) =>
        `| ${e.megapixels.toFixed(1)} MP${e.sweepTile ? ' (sweep tile)' : ''} | ${e.bitDepth ?? 8}-bit ${(e.format ?? 'jpeg').toUpperCase()} | ${e.seconds.toFixed(1)} | ${e.secondsPerMegapixel.toFixed(3)} | ${e.timings.decode.toFixed(2)} | ${e.timings.deblur.toFixed(1)} | ${e.timings.networkSeconds.toFixed(1)} | ${e.timings.encode.toFixed(2)} | ${e.tiles} (${e.tileSize}²) | ${mib(e.maxRssBytes)} | ${mib(e.accumulatorBytes)} |`,
    ),
    ...(r.training ? ['', ...trainingMarkdown(r.training)] : []),
  ];
  return lines.join('\n');
}

/** The reference of the end-to-end target: the network on one whole image, no engine around it. */
function untiledMarkdown(r: BenchReport): string[] {
  const u = r.network.untiled;
  if (!u) return [];
  const row = (when: string, p: typeof u.before) =>
    `| ${when} | ${p.width}×${p.height} (${p.megapixels.toFixed(1)} MP) | ${p.firstSeconds.toFixed(2)} | ${p.seconds.toFixed(2)} | ${p.secondsPerMegapixel.toFixed(3)} | ${(p.maxRssBytes / 2 ** 20).toFixed(0)} MiB |`;
  return [
    '## Network alone, untiled (the end-to-end reference)',
    '',
    'One `session.run` over a whole image in its own process, engine session options, preallocated output; the warm run counts. ' +
      `Reference: **${u.secondsPerMegapixel.toFixed(3)} s/MP** (mean of the runs before and after the end-to-end photos).`,
    '',
    '| when | image | first run s | warm run s | s/MP | peak RSS |',
    '|---|---:|---:|---:|---:|---:|',
    row('before', u.before),
    row('after', u.after),
    '',
  ];
}

/** Fine-tuning seconds per step for each TF.js backend (issue 6). */
export function trainingMarkdown(t: TrainingBench): string[] {
  const rows = t.rows.flatMap((row) =>
    row.available
      ? row.results.map(
          (r) =>
            `| ${row.description ?? row.backend} | ${r.size}² | ${r.mode} | ${r.criticWidth ?? '–'} | ${r.secondsPerStep.toFixed(2)}${r.timedSteps === 0 ? ' (first step)' : ''} | ${r.firstStepSeconds.toFixed(2)} |`,
        )
      : [`| ${row.backend} | | | | not available: ${row.reason ?? 'unknown'} | |`],
  );
  return [
    `## Fine-tuning (TF.js), model ${t.model}, batch ${t.batch}${t.date ? ` (timed ${t.date})` : ''}`,
    '',
    'One training step = critic update + generator update with the default losses (L1 + VGG19 conv3_3 perceptual + WGAN-GP; their weights, which do not change the time, in model/src/train/losses.ts), in its own process per backend. ' +
      '"decoder" trains only the decoder and tail (the light mode). When the first step alone exceeds 20 s it is the measurement (marked); otherwise the mean of 2 later steps.',
    '',
    '| backend | crop | mode | critic width | s/step | first step s |',
    '|---|---:|---|---:|---:|---:|',
    ...rows,
  ];
}
