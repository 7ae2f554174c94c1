import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the perceptual loss finds its VGG19 weights, and whether they are all there, without
 * loading TF.js: the bench asks before minutes of measuring, not when its first training step
 * fails in a child process.
 */
export function defaultVggDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.resolve(repoRoot, '../shared/weights/vgg19-block3');
}

interface ModelJson {
  weightsManifest?: { paths?: string[] }[];
}

/** What is wrong with the weights folder, in words, or null when model.json and every shard it names are there. */
export async function vggWeightsProblem(dir = defaultVggDir()): Promise<string | null> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no model.json in ${dir}` : `${path.join(dir, 'model.json')} cannot be read`;
  }
  const shards = (json.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
  for (const shard of shards) {
    if (!(await access(path.join(dir, shard)).then(() => true, () => false))) return `${path.join(dir, shard)}, named in its model.json, is missing`;
  }
  return shards.length ? null : `${path.join(dir, 'model.json')} names no weight files`;
}
