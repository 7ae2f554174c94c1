/**
 * Before/after crops for model/weights/MODEL_CARD.md: unseen real shaken photos
 * (../shared/data/real-blur, no ground truth) deblurred through the app's engine with the
 * shipped base model; each output is [before | after] of one 240×240 crop, shown at 2× so
 * pixels stay visible.
 *
 *   npx tsx scripts/make-card-crops.ts [--model base] [--out model/weights/card]
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp, { type Stats } from 'sharp';
import { deblurFile } from '../model/src/infer/deblur-file.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const realBlur = resolve(repoRoot, '../shared/data/real-blur');
/** Photo and the crop's top-left corner: a textured, clearly shaken region of each. */
const CROPS: [string, number, number][] = [
  ['lai_text1.jpg', 420, 300],
  ['lai_street4.jpg', 480, 330],
  ['srn_07.png', 520, 240],
  ['lai_lion.jpg', 480, 300],
];
const EDGE = 240;

const { values } = parseArgs({ options: { model: { type: 'string', default: 'base' }, out: { type: 'string', default: 'model/weights/card' } } });
if (!existsSync(realBlur)) throw new Error(`${realBlur} is missing: the crops come from ../shared/data/real-blur`);
const outDir = resolve(repoRoot, values.out);
await mkdir(outDir, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'unshake-card-'));
try {
  for (const [file, left, top] of CROPS) {
    const input = join(realBlur, file);
    const output = join(work, `${file}.png`);
    await deblurFile(input, { outPath: output, modelId: values.model, format: 'png' });
    const region = { left, top, width: EDGE, height: EDGE };
    const side = (p: string) => sharp(p).extract(region).resize(EDGE * 2, EDGE * 2, { kernel: 'nearest' }).removeAlpha().png().toBuffer();
    const [before, after] = await Promise.all([side(input), side(output)]);
    const target = join(outDir, `${file.replace(/\.\w+$/, '')}-before-after.jpg`);
    await sharp({ create: { width: EDGE * 4 + 8, height: EDGE * 2, channels: 3, background: '#ffffff' } })
      .composite([{ input: before, left: 0, top: 0 }, { input: after, left: EDGE * 2 + 8, top: 0 }])
      .jpeg({ quality: 90 })
      .toFile(target);
    // Whole-photo colour check: a deblurrer should move no channel's mean (no tint, no darkening).
    const [inStats, outStats] = await Promise.all([sharp(input).removeAlpha().stats(), sharp(output).removeAlpha().stats()]);
    const shift = outStats.channels.map((c, i) => (c.mean - inStats.channels[i]!.mean).toFixed(2)).join(' / ');
    const sharpness = (st: Stats) => st.sharpness.toFixed(2);
    console.log(`wrote ${target}; whole photo: mean shift R/G/B ${shift} levels, sharpness ${sharpness(inStats)} → ${sharpness(outStats)}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
