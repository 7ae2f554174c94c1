import { toErrorInfo } from '../errors.js';
import { printable } from './terminal-text.js';

/**
 * `error [CODE]: message` on stderr: how every command reports what stopped it, and how deblur
 * reports its one photo failing (then with its --json summary on stdout too).
 */
export function printError(error: unknown): void {
  const info = toErrorInfo(error);
  // A message may quote a manifest or a file name: its own lines kept, terminal codes not.
  console.error(`error [${info.code}]: ${printable(info.message, { multiline: true })}`);
  if (info.code === 'INTERNAL' && process.env.UNSHAKE_DEBUG && error instanceof Error) console.error(error.stack);
}
