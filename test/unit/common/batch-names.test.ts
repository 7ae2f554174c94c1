import { describe, expect, it } from 'vitest';
import { batchNames } from '../../../electron/common/batch-names.js';

describe("the names a batch gives its photos, in the CLI's log and the Batch panel", () => {
  it('a file name alone, unless another photo has it: then as many folders as tell them apart', () => {
    expect(batchNames(['/c/A/IMG_0100.jpg', '/c/A/joined.tif', '/c/B/IMG_0100.jpg', '/c/B/IMG_0101.jpg'])).toEqual([
      'A/IMG_0100.jpg',
      'joined.tif',
      'B/IMG_0100.jpg',
      'IMG_0101.jpg',
    ]);
    // Two cards whose folders have one name (DCIM/100CANON): the card's folder tells them apart.
    expect(batchNames(['/m/card1/DCIM/100CANON/IMG_1.JPG', '/m/card2/DCIM/100CANON/IMG_1.JPG', '/m/card2/DCIM/100CANON/IMG_2.JPG'])).toEqual([
      'card1/DCIM/100CANON/IMG_1.JPG',
      'card2/DCIM/100CANON/IMG_1.JPG',
      'IMG_2.JPG',
    ]);
  });

  it('a name in one folder and in a folder below it: the shorter path whole', () => {
    expect(batchNames(['/p/x.jpg', '/q/p/x.jpg'])).toEqual(['p/x.jpg', 'q/p/x.jpg']);
    expect(batchNames(['/x.jpg', '/q/x.jpg'])).toEqual(['x.jpg', 'q/x.jpg']);
  });

  it('Windows paths as main sends them on Windows', () => {
    expect(batchNames(['E:\\DCIM\\100CANON\\IMG_1.JPG', 'F:\\DCIM\\100CANON\\IMG_1.JPG', 'F:\\DCIM\\100CANON\\IMG_2.JPG'])).toEqual([
      'E:/DCIM/100CANON/IMG_1.JPG',
      'F:/DCIM/100CANON/IMG_1.JPG',
      'IMG_2.JPG',
    ]);
  });
});
