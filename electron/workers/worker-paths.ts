import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * model/weights as seen from the bundled worker (dist/electron/workers/engine-worker.js), with
 * app.asar swapped for app.asar.unpacked because ORT's native code cannot read inside an asar.
 * Undefined when running from source: the library's own default is right there.
 */
export function bundledWeightsDir(moduleUrl: string = import.meta.url): string | undefined {
  if (moduleUrl.endsWith('.ts')) return undefined;
  const dir = path.resolve(path.dirname(fileURLToPath(moduleUrl)), '../../../model/weights');
  return dir.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}
