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

/** The model library's folders (the user's, and the bundled weights where a bundle has them), for listing and resolving models. */
export function modelDirs(userModelsDir: string): { userModelsDir: string; bundledDir?: string } {
  const bundledDir = bundledWeightsDir();
  return bundledDir ? { userModelsDir, bundledDir } : { userModelsDir };
}

/** What the trainer reads besides the photos, where the bundle finds it; each absent from source (the trainer's defaults). */
export interface TrainingResources {
  vggDir?: string;
  synthesisSpecPath?: string;
  mildSpecPath?: string;
  sharedDataDir?: string;
}

/**
 * The trainer's resources as seen from the bundled worker, in the two layouts a bundle runs in:
 * the packaged app (resources/app.asar/dist/electron/workers: the synthetic-shake specs are in
 * the asar under model/base, the VGG19 weights in resources/vgg19-block3, and no kernel bank
 * ships, its licence being unknown: synthetic shake then uses random trajectories and says so)
 * and a build inside the repo (dist/electron/workers, with ../shared beside the repo).
 */
export function bundledTrainingResources(moduleUrl: string = import.meta.url): TrainingResources {
  if (moduleUrl.endsWith('.ts')) return {};
  const appRoot = path.resolve(path.dirname(fileURLToPath(moduleUrl)), '../../..');
  const outside = path.dirname(appRoot);
  const firstThere = (...candidates: string[]) => candidates.find((candidate) => existsSync(candidate));
  const vggDir = firstThere(path.join(outside, 'vgg19-block3'), path.join(outside, 'shared', 'weights', 'vgg19-block3'));
  const sharedData = path.join(outside, 'shared', 'data');
  return {
    ...(vggDir ? { vggDir } : {}),
    synthesisSpecPath: path.join(appRoot, 'model', 'base', 'synthesis-spec.json'),
    mildSpecPath: path.join(appRoot, 'model', 'base', 'synthesis-spec-mild.json'),
    sharedDataDir: existsSync(sharedData) ? sharedData : outside,
  };
}
