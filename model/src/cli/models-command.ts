import { existsSync } from 'node:fs';
import { listModels, unlistedModels } from '../models/library.js';
import { parseCommand } from './args.js';
import { modelsDirOption, printable } from './terminal-text.js';

export const USAGE = 'npm run models -- [--models-dir <folder>] [--json]';

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    { args: argv, options: { 'models-dir': { type: 'string' }, json: { type: 'boolean' } } },
    USAGE,
  );
  const userModelsDir = await modelsDirOption(values['models-dir']);
  const library = { userModelsDir };
  const models = await listModels(library);
  // Manifest text is the user's (or whoever made the model): printed as text, never as terminal codes.
  for (const { id, reason } of await unlistedModels(library)) process.stderr.write(`note: "${id}" is not listed: ${printable(reason)}\n`);
  // Which folder was read: an empty list of the user's models is then not a mystery.
  const searched = `your models: ${printable(userModelsDir)}${existsSync(userModelsDir) ? '' : ' (no such folder yet: no model fine-tuned)'}`;
  if (values.json) {
    process.stderr.write(`${searched}\n`);
    console.log(JSON.stringify(models, null, 2));
    return 0;
  }
  for (const m of models) {
    // The alias runs another listed model: say which, so the two are not taken for two models.
    const flags = [m.source, m.aliasOf ? `runs ${m.aliasOf}` : null, m.placeholder ? 'placeholder' : null, `${m.parameters.toLocaleString('en')} parameters`].filter(Boolean);
    console.log(`${m.id.padEnd(16)} ${printable(m.name)} [${flags.join(', ')}]`);
    console.log(`${' '.repeat(17)}${printable(m.description)}`);
  }
  console.log(searched);
  return 0;
}
