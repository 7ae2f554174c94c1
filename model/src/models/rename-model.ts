import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { UnshakeError } from '../errors.js';
import { takenNameOwner } from '../train/name-taken.js';
import { userModelManifest, type LibraryOptions } from './library.js';

/**
 * Gives a user model a new name: only the manifest's `name` is rewritten (atomically), so its id,
 * folder, file and checksum stay, and so does everything that refers to it by id (the chosen
 * model, queued and interrupted batches, runs that start from it). The name rule is the one a new
 * run's name follows (name-taken.ts): no two models or interrupted runs read the same.
 */
export async function renameModel(id: string, name: string, options: LibraryOptions & { userModelsDir: string }): Promise<{ from: string; to: string }> {
  const { manifest, manifestPath } = await userModelManifest(id, options);
  const owner = await takenNameOwner(options.userModelsDir, name, options.bundledDir, { except: id });
  if (owner?.kind === 'model') throw new UnshakeError('OUTPUT_EXISTS', `Another model is already called “${owner.name}”: choose another name.`);
  if (owner?.kind === 'run') throw new UnshakeError('OUTPUT_EXISTS', `An interrupted training run “${owner.name}” already uses that name: resume or discard it, or choose another name.`);
  if (name === manifest.name) return { from: manifest.name, to: name };
  // The file as it is, not the parsed manifest: fields this version does not know are kept.
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    await writeFileAtomic(manifestPath, `${JSON.stringify({ ...json, name }, null, 2)}\n`);
  } catch (error) {
    throw new UnshakeError('WRITE_FAILED', `Could not rename “${manifest.name}”: its manifest ${manifestPath} could not be rewritten (${(error as Error).message}).`, { cause: error });
  }
  return { from: manifest.name, to: name };
}
