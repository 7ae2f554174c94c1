import { constants, createWriteStream, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';

/**
 * Opening a model's files from a folder the user did not make (Import model…, the library): only
 * a regular file is read. A FIFO waits for a writer for ever, holding one of libuv's four threads
 * (four of them froze every file operation in main); /dev/zero never ends; a folder fails with
 * a bare EISDIR. The checks are made on the opened handle, so what is checked is what is read.
 */

/** Why a file was refused, as the end of a sentence ("its model file model.onnx " + why). */
export class NotRegularFile extends Error {}

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer. Neither flag exists on
// Windows (0 there), which has no FIFOs; a link there is caught by the lstat before the open.
const { O_RDONLY, O_NONBLOCK = 0, O_NOFOLLOW = 0 } = constants;

export async function openRegularFile(file: string, { followLinks }: { followLinks: boolean }): Promise<{ handle: FileHandle; size: number }> {
  const link = 'is a link; Import model… copies only plain files, as a link in a shared folder may point anywhere (copy the file itself into the folder)';
  if (!followLinks && (await lstat(file).catch(() => null))?.isSymbolicLink()) throw new NotRegularFile(link);
  const handle = await open(file, O_RDONLY | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new NotRegularFile('is missing');
    if (error.code === 'ELOOP') throw new NotRegularFile(link);
    if (error.code === 'EISDIR') throw new NotRegularFile('is not a regular file (it is a folder)');
    throw new NotRegularFile(`cannot be read (${error.message})`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotRegularFile(`is not a regular file (it is ${kindOf(info)})`);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const kindOf = (s: Stats): string =>
  s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a pipe' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a file';

/** At most `maxBytes + 1` bytes of an opened file, from its start: a file that grew since it was checked is not read on. */
export async function readCapped(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(maxBytes + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0 || (length += bytesRead) === buffer.length) return buffer.subarray(0, length);
  }
}

/** The source could not be read, or held more than the limit: the model's fault, not the disk written to. */
export class SourceProblem extends Error {}

/**
 * Copies an opened file to `to` (a new file) while hashing it, so the bytes hashed are the bytes
 * copied; reads at most `maxBytes + 1` bytes and refuses a file that grew past `maxBytes`.
 */
export async function copyHashed(from: FileHandle, to: string, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    from.createReadStream({ start: 0, end: maxBytes, autoClose: false }),
    async function* (source: AsyncIterable<Buffer>) {
      try {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > maxBytes) throw new SourceProblem(`grew past ${(maxBytes / 2 ** 30).toFixed(1)} GiB while it was copied; ONNX models cannot exceed 2 GiB`);
          hash.update(chunk);
          yield chunk;
        }
      } catch (error) {
        throw error instanceof SourceProblem ? error : new SourceProblem(`cannot be read (${(error as Error).message})`, { cause: error });
      }
    },
    createWriteStream(to, { flags: 'wx' }),
  );
  return { sha256: hash.digest('hex'), bytes };
}
