import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ESCAPE_SEQUENCES } from '../../../electron/common/escape-sequences.js';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import { defaultModelsDir } from '../models/user-models-dir.js';

const LINE_BREAKS = /[\n\r\t\v\f\u0085\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from a file (a model's manifest) as the terminal should print it: its escape sequences and
 * control characters removed, so a name cannot clear the screen or set the window title, and line
 * breaks made spaces (`multiline`: kept, for an error message's own lines), so a description
 * cannot print a line that looks like the CLI's own ("error [MODEL_INVALID]: …").
 */
export function printable(text: string, { multiline = false } = {}): string {
  const plain = text.replace(ESCAPE_SEQUENCES, '');
  const lines = multiline ? plain.replace(/\r\n?/g, '\n').split('\n') : [plain.replace(LINE_BREAKS, ' ')];
  return lines.map((line) => line.replace(/\t/g, ' ').replace(CONTROLS, '')).join('\n');
}

/**
 * --models-dir: the folder must be there (a typo would otherwise list or look in nothing without a
 * word). Absent: the app's own models folder, which need not exist yet (no model fine-tuned).
 */
export async function modelsDirOption(value: string | undefined): Promise<string> {
  if (value === undefined) return defaultModelsDir();
  const dir = path.resolve(value);
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error) {
    if (found.code === 'ENOENT') throw new UnshakeError('FILE_NOT_FOUND', `--models-dir ${dir} does not exist: name the folder your models are in (without --models-dir: ${defaultModelsDir()}).`);
    throw new UnshakeError('FILE_NOT_FOUND', `--models-dir ${dir} cannot be read (${found.message}).`);
  }
  if (!found.isDirectory()) throw new UnshakeError('INVALID_REQUEST', `--models-dir ${dir} is a file, not a folder: name the folder your models are in.`);
  return dir;
}

export function describeProvider(ep: ExecutionProviderInfo): string {
  // A provider whose libraries are absent is the usual case on a machine without that GPU: say
  // so in words; any other failure keeps ONNX Runtime's reason (UNSHAKE_DEBUG shows it always).
  const skipped = ep.tried
    .filter((t) => !t.ok)
    .map((t) => (/not installed on this machine/.test(t.reason ?? '') && !process.env.UNSHAKE_DEBUG ? `${t.name} skipped: not installed on this machine` : `${t.name} skipped: ${t.reason}`));
  return skipped.length ? `${ep.active} (${skipped.join('; ')})` : ep.active;
}
