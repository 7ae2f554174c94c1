import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UnshakeError } from '../errors.js';
import { benchMarkdown, runBench } from '../eval/bench.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { parseCommand } from './args.js';

const USAGE = 'unshake bench [--model <id>] [--sizes 12,48] [--json <path>] [--md <path>] [--cpu]';

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    {
      args: argv,
      options: {
        model: { type: 'string', short: 'm' },
        sizes: { type: 'string', default: '12,48' },
        json: { type: 'string' },
        md: { type: 'string' },
        cpu: { type: 'boolean' },
      },
    },
    USAGE,
  );
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((s) => !(s > 0 && s <= 250))) {
    throw new UnshakeError('INVALID_REQUEST', `--sizes must be megapixel counts between 0 and 250, got "${values.sizes}".`);
  }
  const model = await resolveModel(values.model ?? BASE_MODEL_ALIAS);
  const report = await runBench(model, {
    sizes,
    preferred: values.cpu ? 'cpu' : 'auto',
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  const markdown = benchMarkdown(report);
  console.log(markdown);
  if (values.json) await writeFileAtomic(path.resolve(values.json), `${JSON.stringify(report, null, 2)}\n`);
  if (values.md) await writeFileAtomic(path.resolve(values.md), `# Benchmark\n\n${markdown}\n`);
  return 0;
}
