import { isRawName, rawFileMessage } from '../../../electron/common/photo-types.js';
import { UnshakeError } from '../errors.js';
import { readIfd, withTiffIfd0 } from './tiff-ifd.js';

/** DNGVersion: in IFD0 of every DNG (Apple ProRAW too), whatever the file is named. */
const DNG_VERSION = 50706;

/**
 * Refuses a camera raw file before its pixels are read: sharp would open a NEF's or DNG's IFD0,
 * a small embedded preview, and the "photo" would be a thumbnail. By name (photo-types.ts), and a
 * DNG renamed .tif by its IFD0's DNGVersion tag: the header and one directory, no pixels.
 */
export async function refuseRawFile(path: string, name: string): Promise<void> {
  if (isRawName(name) || (await isDng(path))) throw new UnshakeError('UNSUPPORTED_FORMAT', rawFileMessage(name));
}

async function isDng(path: string): Promise<boolean> {
  try {
    const dng = await withTiffIfd0(path, async ({ readAt, ifd0, little }) => {
      const { entries } = await readIfd(readAt, ifd0, little, { keep: (tag) => tag === DNG_VERSION });
      return entries.length > 0;
    });
    return dng ?? false;
  } catch {
    // Not readable as a TIFF here: sharp's own read says what is wrong with it.
    return false;
  }
}
