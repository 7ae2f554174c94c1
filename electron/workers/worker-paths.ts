import { existsSync } from 'node:fs';
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

/**
 * The VGG19 block 1–3 weights for the perceptual loss in the packaged app: electron-builder puts
 * them in the resources folder (resources/app.asar/dist/electron/workers → resources/vgg19-block3).
 * Undefined from source, or where they are missing: the trainer's default (../shared/weights).
 */
export function bundledVggDir(moduleUrl: string = import.meta.url): string | undefined {
  if (moduleUrl.endsWith('.ts')) return undefined;
  const dir = path.resolve(path.dirname(fileURLToPath(moduleUrl)), '../../../../vgg19-block3');
  return existsSync(dir) ? dir : undefined;
}
