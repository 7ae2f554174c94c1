import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { modelsDirOption } from './terminal-text.js';
import { UnshakeError } from '../errors.js';
import { evaluatePairs } from '../eval/evaluate.js';
import { findPairs, firstOfSet } from '../eval/pairs.js';
import { formatTable, pairScoresText, summarise } from '../eval/report.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { describeProvider } from './terminal-text.js';
import { numberOption, outputFileOption, parseCommand } from './args.js';
import { pixelLimitOption } from './pixel-limit.js';

export const USAGE = 'npm run eval -- --set <folder> [--model <id>] [--json <path>] [--limit n] [--tile-size px] [--max-megapixels n] [--cpu] [--models-dir <folder>]';

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    {
      args: argv,
      options: {
        set: { type: 'string' },
        model: { type: 'string', short: 'm' },
        json: { type: 'string' },
        limit: { type: 'string' },
        'tile-size': { type: 'string' },
        'max-megapixels': { type: 'string' },
        cpu: { type: 'boolean' },
        'models-dir': { type: 'string' },
      },
    },
    USAGE,
  );
  if (!values.set) throw new UnshakeError('INVALID_REQUEST', `--set <folder> is required.\nusage: ${USAGE}`);
  const pixelLimit = pixelLimitOption(values['max-megapixels']);
  const jsonPath = values.json === undefined ? undefined : await outputFileOption('json', values.json);
  // Fine-tuned models from `npm run train` (and the app) are found here, as for `deblur`.
  const userModelsDir = await modelsDirOption(values['models-dir']);
  const set = await findPairs(values.set);
  for (const u of set.unmatched) process.stderr.write(`eval: note: ${u.file} is not scored: ${u.reason}\n`);
  const { pairs, unpaired } = firstOfSet(set, numberOption('limit', values.limit, { min: 1, max: 1e6, integer: true }));
  // A blurred photo without its sharp one is a pair of the set that cannot be scored.
  for (const u of unpaired) process.stderr.write(`eval: skipped ${u.name}: ${u.reason}\n`);
  const model = await resolveModel(values.model ?? BASE_MODEL_ALIAS, { userModelsDir });
  process.stderr.write(`eval: ${pairs.length} pair(s) from ${values.set} with model "${model.manifest.id}"\n`);
  const { results, skipped: failed, executionProvider } = await evaluatePairs(pairs, {
    model,
    tileSize: numberOption('tile-size', values['tile-size'], { min: 16, max: 8192, integer: true }),
    preferredProvider: values.cpu ? 'cpu' : 'auto',
    pixelLimit,
    onPair: (r, i, n) =>
      process.stderr.write(`eval: ${i + 1}/${n} ${r.name}: ${pairScoresText(r)} (${r.seconds.toFixed(2)} s)\n`),
    onSkip: (p, i, n) => process.stderr.write(`eval: ${i + 1}/${n} ${p.name}: skipped: ${p.reason}\n`),
  });
  const skipped = [...unpaired, ...failed];
  const total = pairs.length + unpaired.length;
  if (results.length === 0) throw new UnshakeError('INVALID_REQUEST', `None of the ${total} pair(s) in ${values.set} could be scored (see the lines above).`);
  const summary = summarise(results);
  console.log(formatTable(results, summary));
  if (executionProvider) console.log(`execution provider: ${describeProvider(executionProvider)}`);
  if (skipped.length > 0) console.log(`${skipped.length} of ${total} pair(s) skipped and left out of the scores: ${skipped.map((p) => p.name).join(', ')}`);
  if (jsonPath) {
    const report = {
      set: path.resolve(values.set),
      model: { id: model.manifest.id, name: model.manifest.name, placeholder: model.manifest.placeholder },
      executionProvider,
      date: new Date().toISOString(),
      summary,
      pairs: results,
      skipped,
    };
    // Infinity (identical images) is not JSON; write it as null.
    const json = JSON.stringify(report, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
    await writeFileAtomic(jsonPath, `${json}\n`);
    console.log(`wrote ${jsonPath}`);
  }
  // Scores without every pair are not the set's: a script must not take them for it.
  return skipped.length > 0 ? 1 : 0;
}
