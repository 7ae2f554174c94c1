import { listModels, unlistedModels } from '../models/library.js';
import { defaultModelsDir } from '../models/user-models-dir.js';
import { parseCommand } from './args.js';

export const USAGE = 'npm run models -- [--models-dir <folder>] [--json]';

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    { args: argv, options: { 'models-dir': { type: 'string' }, json: { type: 'boolean' } } },
    USAGE,
  );
  const library = { userModelsDir: values['models-dir'] ?? defaultModelsDir() };
  const models = await listModels(library);
  for (const { id, reason } of await unlistedModels(library)) process.stderr.write(`note: "${id}" is not listed: ${reason}\n`);
  if (values.json) {
    console.log(JSON.stringify(models, null, 2));
    return 0;
  }
  for (const m of models) {
    // The alias runs another listed model: say which, so the two are not taken for two models.
    const flags = [m.source, m.aliasOf ? `runs ${m.aliasOf}` : null, m.placeholder ? 'placeholder' : null, `${m.parameters.toLocaleString('en')} parameters`].filter(Boolean);
    console.log(`${m.id.padEnd(16)} ${m.name} [${flags.join(', ')}]`);
    console.log(`${' '.repeat(17)}${m.description}`);
  }
  return 0;
}
