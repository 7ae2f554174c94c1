import { UnshakeError } from '../errors.js';

/** Names tried in all: two saves racing for one name rarely lose twice in a row. */
const DEFAULT_NAME_TRIES = 3;

/**
 * Write to a default output name (one the user never saw, "photo-unshaken.jpg"), moving on to the
 * next free one when another save takes it meanwhile: encodeImage refuses that name with
 * OUTPUT_EXISTS rather than replace the other save's file. `next` gives the next free default
 * (defaultOutputPath skips names that exist); `onMoved` hears each name moved to.
 */
export async function withFreeDefaultName<T>(
  first: string,
  next: () => string,
  write: (outPath: string) => Promise<T>,
  onMoved?: (outPath: string) => void,
): Promise<T> {
  let outPath = first;
  for (let tries = 1; ; tries++) {
    try {
      return await write(outPath);
    } catch (error) {
      if (tries >= DEFAULT_NAME_TRIES || !(error instanceof UnshakeError && error.code === 'OUTPUT_EXISTS')) throw error;
      const free = next();
      // The same name again: it is refused for another reason (it is the original), not taken.
      if (free === outPath) throw error;
      outPath = free;
      onMoved?.(outPath);
    }
  }
}
