import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UnshakeError } from '../../errors.js';

/**
 * The one synthetic-shake spec (model/base/synthesis-spec.json), read as-is so the Python base
 * recipe and this fine-tuner cannot drift apart: no numbers of it are copied into TS. Objects
 * are strict: a field added on the Python side fails here loudly until TS implements it. The
 * packaged app passes its own copy of the file (and of the kernel bank folder).
 */
const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');
const probability = z.number().min(0).max(1);

export const synthesisSpecSchema = z.strictObject({
  version: z.number().int().positive(),
  description: z.string().optional(),
  // transfer: how stored 8-bit values map to the light the blur adds up. 'srgb' = the sRGB EOTF
  // (physics); 'identity' = the stored values themselves, as the official GoPro and Levin blurs
  // behave (they keep the sRGB mean; docs/decisions.md "Blur domain").
  colour: z.strictObject({ transfer: z.enum(['srgb', 'identity']), quantizeBits: z.literal(8) }),
  // warp: share of shakes drawn as a path of warps (shake-warp.ts) instead of one kernel.
  kernelMix: z
    .strictObject({ trajectory: z.number().nonnegative(), bank: z.number().nonnegative(), warp: z.number().nonnegative().optional() })
    .refine((m) => m.trajectory + m.bank + (m.warp ?? 0) > 0, 'kernelMix weights must not all be 0'),
  trajectory: z.strictObject({
    method: z.literal('boracchi-foi-2012'),
    samples: z.number().int().min(2),
    pathLength: z.number().positive(),
    extentPx: range,
    anxiety: range,
    centripetal: range,
    gaussianTerm: range,
    freqBigShakes: range,
    exposure: range,
  }),
  warp: z.strictObject({ poses: z.number().int().min(2), extentPx: range, rollDeg: range }).optional(),
  bank: z.strictObject({ file: z.string().min(1), types: z.array(z.string().min(1)).min(1), maxExtentPx: range, randomRotate90: z.boolean() }),
  saturation: z.strictObject({ probability, threshold: z.number().min(0), gain: range }),
  noise: z.strictObject({ poissonPeak: range, gaussianSigma: range }),
  jpeg: z.strictObject({ probability, quality: range }),
  crop: z.strictObject({ minGradientEnergy: z.number().min(0) }),
  sources: z.array(z.string()),
}).refine((s) => !s.kernelMix.warp || s.warp !== undefined, { message: 'kernelMix.warp needs a "warp" section', path: ['warp'] });

export type SynthesisSpec = z.infer<typeof synthesisSpecSchema>;

/** What a trained model records about its synthetic data (training.json, progress events). */
export interface SynthesisInfo {
  specVersion: number;
  specFile: string;
  /** colour.transfer: where the blur adds light up ('srgb' = linear light, 'identity' = stored values). */
  transfer: SynthesisSpec['colour']['transfer'];
  seed: number;
  /** Measured kernels in use (0: trajectories only, see bankNote). */
  bankKernels: number;
  bankNote: string | null;
  /** Share of samples drawn from the mild spec (0: none), and that spec's file. */
  mildShare: number;
  mildSpecFile: string | null;
}

const repoRoot = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export function defaultSynthesisSpecPath(): string {
  return path.join(repoRoot(), 'model/base/synthesis-spec.json');
}

/** Short shake (0–8 px, some none): the share of samples that teaches the net to leave nearly sharp photos alone. */
export function defaultMildSpecPath(): string {
  return path.join(repoRoot(), 'model/base/synthesis-spec-mild.json');
}

/** The base recipe's share of mild samples (train.py --mix …,mild=0.1): run 24 measured what it buys. */
export const DEFAULT_MILD_SHARE = 0.1;

/** ../shared/data next to the repo, or UNSHAKE_DATA (the same override model/base/data.py reads). */
export function defaultSharedDataDir(): string {
  return process.env.UNSHAKE_DATA ? path.resolve(process.env.UNSHAKE_DATA) : path.resolve(repoRoot(), '../shared/data');
}

export async function loadSynthesisSpec(file = defaultSynthesisSpecPath()): Promise<SynthesisSpec> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UnshakeError('FILE_NOT_FOUND', `The synthetic-shake spec ${file} could not be read (${(error as Error).message}).`, { cause: error });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnshakeError('FILE_UNREADABLE', `The synthetic-shake spec ${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = synthesisSpecSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length ? ` at "${first.path.join('.')}"` : '';
    throw new UnshakeError('FILE_UNREADABLE', `The synthetic-shake spec ${file} is invalid${where}: ${first.message}.`);
  }
  return parsed.data;
}

