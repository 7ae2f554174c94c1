/**
 * Make the bundled sample photo: a freely licensed real photo from a Debian package, shaken
 * with a synthetic camera-shake blur, so the README's first command has something to deblur
 * without ../shared.
 *
 *   npx tsx scripts/make-sample.ts [--source LadyBird.jpg] [--out assets/samples/shaken-ladybird.jpg]
 *
 * Without --source it fetches mate-backgrounds with `apt-get download` into a temp folder
 * and unpacks it with `dpkg -x` (nothing is installed), as ../shared/data/fetch-photos.sh does.
 * Deterministic: the blur path and the noise come from a fixed seed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = 'mate-backgrounds';
const PHOTO = 'usr/share/backgrounds/mate/nature/LadyBird.jpg';
const WIDTH = 1200;
const SEED = 20_080_601;
/** Blur path length in pixels at the output size, and the kernel's square size. */
const PATH_LENGTH = 17;
const KERNEL_SIZE = 25;
const NOISE_SIGMA = 1.2;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { source: { type: 'string' }, out: { type: 'string' } } });
  const out = resolve(values.out ?? join(repoRoot, 'assets/samples/shaken-ladybird.jpg'));
  const work = await mkdtemp(join(tmpdir(), 'unshake-sample-'));
  try {
    const source = values.source ? resolve(values.source) : await fetchPhoto(work);
    const { data, info } = await sharp(source).resize({ width: WIDTH, kernel: 'lanczos3' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rng = mulberry32(SEED);
    const kernel = shakeKernel(rng);
    const shaken = withNoise(blurInLinearLight(data, info.width, info.height, kernel), rng);
    await sharp(shaken, { raw: { width: info.width, height: info.height, channels: 3 } })
      .withMetadata({ orientation: 1 }) // also converts to and tags sRGB
      .withExifMerge({
        IFD0: {
          Make: 'Unshake sample',
          // No parentheses: libvips reads '(...)' in EXIF strings as a comment and drops it.
          Model: `Synthetic shake ${PATH_LENGTH} px`,
          Artist: 'Charles Barbin',
          Copyright: '2008 Charles Barbin, GPL-2+, from Debian mate-backgrounds',
          ImageDescription: 'Ladybird on a grass stem, blurred by scripts/make-sample.ts',
        },
        // A fixed date, not the real capture time: it is here to show metadata survives.
        IFD2: { DateTimeOriginal: '2008:06:01 12:00:00' },
      })
      .jpeg({ quality: 90 })
      .toFile(out);
    await kernelImage(kernel).png().toFile(out.replace(/\.jpe?g$/i, '.kernel.png'));
    const meta = await sharp(out).metadata();
    console.log(`wrote ${out}: ${meta.width}×${meta.height}, ${(await readFile(out)).length} bytes; kernel taps ${kernel.taps.length}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fetchPhoto(work: string): Promise<string> {
  await run('apt-get', ['download', PACKAGE], { cwd: work });
  const deb = (await readdir(work)).find((name) => name.startsWith(`${PACKAGE}_`) && name.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${PACKAGE} produced no .deb (run apt-get update as root?)`);
  const { stdout: version } = await run('dpkg-deb', ['-f', join(work, deb), 'Version']);
  await run('dpkg', ['-x', join(work, deb), join(work, 'x')]);
  const copyright = await readFile(join(work, 'x/usr/share/doc', PACKAGE, 'copyright'), 'utf8');
  const stanza = copyright.split('\n\n').find((block) => block.includes('nature/LadyBird.jpg'));
  console.log(`${PACKAGE} ${version.trim()}: ${PHOTO}\n${stanza ?? '(no copyright stanza found: check the licence!)'}`);
  return join(work, 'x', PHOTO);
}

interface Kernel {
  size: number;
  taps: { dx: number; dy: number; w: number }[];
}

/**
 * A hand-shake trajectory: a curved path (heading turns with a random rate and acceleration)
 * sampled at equal time steps with a speed that varies over the exposure, so the blur is
 * denser where the camera moved slowly, like real shake kernels. Splatted bilinearly onto a
 * grid, centred on its centroid, normalised to sum 1.
 */
function shakeKernel(rng: () => number): Kernel {
  const steps = 600;
  let heading = rng() * Math.PI * 2;
  const turn = (rng() - 0.5) * 3;
  const turnAcceleration = (rng() - 0.5) * 4;
  const speeds = Array.from({ length: steps }, (_, i) => 0.35 + Math.sin((Math.PI * i) / steps) ** 2 + 0.3 * rng());
  const scale = PATH_LENGTH / speeds.reduce((a, b) => a + b, 0);
  const points: [number, number][] = [];
  let x = 0;
  let y = 0;
  for (let i = 0; i < steps; i++) {
    const t = i / steps;
    heading += (turn + turnAcceleration * t) / steps;
    x += Math.cos(heading) * speeds[i]! * scale;
    y += Math.sin(heading) * speeds[i]! * scale;
    points.push([x, y]);
  }
  const cx = points.reduce((s, p) => s + p[0], 0) / steps;
  const cy = points.reduce((s, p) => s + p[1], 0) / steps;
  const grid = new Float64Array(KERNEL_SIZE * KERNEL_SIZE);
  const centre = (KERNEL_SIZE - 1) / 2;
  for (const [px, py] of points) {
    const gx = px - cx + centre;
    const gy = py - cy + centre;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    for (const [ix, iy, w] of [
      [x0, y0, (1 - (gx - x0)) * (1 - (gy - y0))],
      [x0 + 1, y0, (gx - x0) * (1 - (gy - y0))],
      [x0, y0 + 1, (1 - (gx - x0)) * (gy - y0)],
      [x0 + 1, y0 + 1, (gx - x0) * (gy - y0)],
    ] as const) {
      if (ix >= 0 && iy >= 0 && ix < KERNEL_SIZE && iy < KERNEL_SIZE) grid[iy * KERNEL_SIZE + ix]! += w / steps;
    }
  }
  const total = grid.reduce((a, b) => a + b, 0);
  const taps: Kernel['taps'] = [];
  grid.forEach((w, i) => {
    if (w / total > 1e-4) taps.push({ dx: (i % KERNEL_SIZE) - centre, dy: Math.floor(i / KERNEL_SIZE) - centre, w: w / total });
  });
  const kept = taps.reduce((s, t) => s + t.w, 0);
  for (const tap of taps) tap.w /= kept;
  return { size: KERNEL_SIZE, taps };
}

/** Blur in linear light (the sensor integrates light, not gamma-encoded values); edges replicate. */
function blurInLinearLight(srgb: Buffer, width: number, height: number, kernel: Kernel): Float32Array {
  const toLinear = Float32Array.from({ length: 256 }, (_, v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const linear = Float32Array.from(srgb, (v) => toLinear[v]!);
  const sum = new Float32Array(linear.length);
  for (const { dx, dy, w } of kernel.taps) {
    for (let yy = 0; yy < height; yy++) {
      const sy = Math.min(height - 1, Math.max(0, yy - dy));
      for (let xx = 0; xx < width; xx++) {
        const sx = Math.min(width - 1, Math.max(0, xx - dx));
        const s = (sy * width + sx) * 3;
        const d = (yy * width + xx) * 3;
        sum[d]! += w * linear[s]!;
        sum[d + 1]! += w * linear[s + 1]!;
        sum[d + 2]! += w * linear[s + 2]!;
      }
    }
  }
  // Back to sRGB levels, still unrounded: rounding happens once, after the noise.
  return sum.map((c) => 255 * (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055));
}

/** Add light Gaussian sensor noise in 8-bit levels (Box–Muller), then round and clamp. */
function withNoise(levels: Float32Array, rng: () => number): Buffer {
  const out = Buffer.alloc(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const gauss = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    out[i] = Math.min(255, Math.max(0, Math.round(levels[i]! + NOISE_SIGMA * gauss)));
  }
  return out;
}

/** The kernel as a gray image (brightest tap = 255), kept next to the sample for reference. */
function kernelImage(kernel: Kernel): Sharp {
  const data = Buffer.alloc(kernel.size * kernel.size);
  const peak = Math.max(...kernel.taps.map((t) => t.w));
  const centre = (kernel.size - 1) / 2;
  for (const { dx, dy, w } of kernel.taps) data[(dy + centre) * kernel.size + dx + centre] = Math.round((255 * w) / peak);
  return sharp(data, { raw: { width: kernel.size, height: kernel.size, channels: 1 } }).toColourspace('b-w');
}

/** Small seeded PRNG so the sample is reproducible byte for byte on the same sharp version. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

await main();
