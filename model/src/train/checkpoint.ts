import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UnshakeError } from '../errors.js';

/**
 * Training checkpoints: one binary file of float32 tensors plus a JSON file that describes
 * them and the run state. The binary is written first under a step-numbered name and the JSON
 * (atomically) last, so a crash at any moment leaves the previous checkpoint intact and
 * loadable; older binaries are removed only after the new JSON is in place.
 */
const STATE_FILE = 'checkpoint.json';

export interface TensorEntry {
  group: string;
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface CheckpointFile<S> {
  version: 1;
  bin: string;
  tensors: TensorEntry[];
  state: S;
}

export type TensorGroups = Record<string, Map<string, { shape: number[]; data: Float32Array }>>;

export async function saveCheckpoint<S>(dir: string, step: number, state: S, groups: TensorGroups): Promise<string> {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [group, entries] of Object.entries(groups)) {
    for (const [name, { shape, data }] of entries) {
      tensors.push({ group, name, shape, offset, length: data.length });
      offset += data.length;
    }
  }
  const all = new Float32Array(offset);
  for (const t of tensors) all.set(groups[t.group]!.get(t.name)!.data, t.offset);
  const bin = `weights-${String(step).padStart(8, '0')}.bin`;
  await writeFileAtomic(path.join(dir, bin), Buffer.from(all.buffer, all.byteOffset, all.byteLength));
  const file: CheckpointFile<S> = { version: 1, bin, tensors, state };
  await writeFileAtomic(path.join(dir, STATE_FILE), JSON.stringify(file, null, 1));
  const stale = (await readdir(dir)).filter((n) => /^weights-\d+\.bin$/.test(n) && n !== bin);
  await Promise.all(stale.map((n) => rm(path.join(dir, n), { force: true })));
  return path.join(dir, STATE_FILE);
}

/** Whether dir holds a checkpoint (its description file; it may still be damaged). */
export function hasCheckpoint(dir: string): Promise<boolean> {
  return stat(path.join(dir, STATE_FILE)).then(() => true, () => false);
}

/**
 * The checkpoint in dir, or null when there is none. A damaged one (unreadable JSON, a missing
 * or short weights file) is a FILE_UNREADABLE error whose message says what is wrong; the
 * caller adds what the user can do about it.
 */
export async function loadCheckpoint<S>(dir: string): Promise<{ state: S; groups: TensorGroups } | null> {
  const text = await readFile(path.join(dir, STATE_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  const damaged = (what: string, cause?: unknown) => new UnshakeError('FILE_UNREADABLE', `The training checkpoint in ${dir} is damaged: ${what}.`, { cause });
  const file = parseCheckpointFile<S>(text);
  if (!file) throw damaged(`${STATE_FILE} is not a valid checkpoint description`);
  let all: Float32Array;
  try {
    const bytes = await readFile(path.join(dir, file.bin));
    all = new Float32Array(new Uint8Array(bytes).buffer);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw damaged(missing ? `its weights file ${file.bin} is missing` : `its weights file ${file.bin} cannot be read (${(error as Error).message})`, error);
  }
  const groups: TensorGroups = {};
  for (const t of file.tensors) {
    if (t.offset + t.length > all.length) throw damaged(`its weights file ${file.bin} is shorter than ${STATE_FILE} says (truncated)`);
    (groups[t.group] ??= new Map()).set(t.name, { shape: t.shape, data: all.slice(t.offset, t.offset + t.length) });
  }
  return { state: file.state, groups };
}

function parseCheckpointFile<S>(text: string): CheckpointFile<S> | null {
  try {
    const file = JSON.parse(text) as Partial<CheckpointFile<S>> | null;
    const ok = file && typeof file.bin === 'string' && /^[\w.-]+$/.test(file.bin) && Array.isArray(file.tensors) && typeof file.state === 'object' && file.state !== null;
    return ok ? (file as CheckpointFile<S>) : null;
  } catch {
    return null;
  }
}

/**
 * The runs with a checkpoint among the subfolders of root (one run per folder), each with its
 * saved state, or null for a state that cannot be read. Only checkpoint.json is read.
 */
export async function listCheckpoints<S>(root: string): Promise<{ id: string; dir: string; state: S | null }[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const runs = await Promise.all(
    entries.filter((e) => e.isDirectory()).map(async (e) => {
      const dir = path.join(root, e.name);
      const text = await readFile(path.join(dir, STATE_FILE), 'utf8').catch(() => null);
      return text === null ? null : { id: e.name, dir, state: parseCheckpointFile<S>(text)?.state ?? null };
    }),
  );
  return runs.filter((r) => r !== null).sort((a, b) => a.id.localeCompare(b.id));
}
