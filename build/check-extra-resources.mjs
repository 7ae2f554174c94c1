// What build/electron-builder.yml's extraResources copy from outside the repo must be there:
// electron-builder only logs "file source doesn't exist" for a missing `from` and packages on,
// which once shipped an app without the VGG19 weights (the training panel's default perceptual
// loss then failed every run). The weights live in the shared folder beside the repo.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The `from` folders of extraResources (top-level and the platform's own), resolved as electron-builder does: against the project. */
function sources(config, platformConfig, projectDir) {
  const entries = [config.extraResources, platformConfig?.extraResources].flatMap((list) => (list == null ? [] : Array.isArray(list) ? list : [list]));
  // A plain string is a glob inside the project (it matches nothing rather than missing); only `from` names a place.
  return entries.filter((entry) => typeof entry === 'object' && typeof entry.from === 'string').map((entry) => path.resolve(projectDir, entry.from));
}

/** Files a source folder must hold beyond the weight shards its model.json names (the VGG weights' licence goes with them). */
const REQUIRED = { 'vgg19-block3': ['model.json', 'README.md'] };

/** The weight shards a TF.js layers model folder's model.json names. */
function shardsOf(dir) {
  const modelJson = path.join(dir, 'model.json');
  if (!existsSync(modelJson)) return [];
  try {
    return JSON.parse(readFileSync(modelJson, 'utf8')).weightsManifest.flatMap((group) => group.paths);
  } catch {
    return [];
  }
}

/** The extraResources sources (or the files inside them) that are not there, as paths; empty when all are. */
export function missingExtraResources(config, platformConfig, projectDir) {
  return sources(config, platformConfig, projectDir).flatMap((from) => {
    if (!existsSync(from)) return [from];
    const wanted = [...(REQUIRED[path.basename(from)] ?? []), ...shardsOf(from)];
    return wanted.map((file) => path.join(from, file)).filter((file) => !existsSync(file));
  });
}
