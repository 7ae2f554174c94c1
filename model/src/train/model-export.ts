import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UnshakeError } from '../errors.js';
import { listModels } from '../models/library.js';
import { modelManifestSchema, type ModelManifest } from '../models/manifest.js';
import type { SynthesisInfo } from './synth/synthesis-spec.js';
import { writeWeightsToOnnx } from './tf-to-onnx.js';

/**
 * Writes a fine-tuned model into the user's library as `<modelsDir>/<id>/model.onnx`, its
 * manifest `<id>.manifest.json` and a `training.json` sidecar (base model, data, steps,
 * held-out scores). The manifest is written last so a half-written folder is never listed, and
 * the folder is removed if anything fails. A base model is never a target: the id must be new.
 */
/** What the model was trained on: real pairs, or sharp-only photos with synthetic shake. */
export type TrainingDataSummary =
  | { source: 'pairs'; folder: string; layout: string; trainPairs: string[]; validationPairs: string[]; rejected: { name: string; reason: string }[] }
  | {
      source: 'synthetic';
      folder: string;
      layout: 'sharp-only';
      trainPhotos: string[];
      validationPhotos: string[];
      rejected: { name: string; reason: string }[];
      synthesis: SynthesisInfo;
    };

export interface TrainingSummary {
  baseModel: { id: string; file: string; sha256: string };
  data: TrainingDataSummary;
  steps: number;
  /** 'full' or 'decoder' (decoder and tail only). */
  mode: string;
  crop: number;
  batch: number;
  backend: string;
  lossWeights: Record<string, number>;
  validation: { input: Scores; base: Scores; fineTuned: Scores; crop: number };
  finishedAt: string;
}

interface Scores {
  psnr: number;
  ssim: number;
}

export interface ExportRequest {
  baseBytes: Uint8Array;
  weights: ReadonlyMap<string, Float32Array>;
  modelsDir: string;
  id: string;
  name: string;
  baseManifest: ModelManifest;
  parameters: number;
  summary: TrainingSummary;
}

export interface ExportedModel {
  dir: string;
  onnxPath: string;
  manifestPath: string;
  summaryPath: string;
  manifest: ModelManifest;
}

const ONNX_FILE = 'model.onnx';

export function modelDir(modelsDir: string, id: string): string {
  return path.join(modelsDir, id);
}

/** Fails early (before a long run) when the id is taken or not a valid model id. */
export async function assertNewModelId(modelsDir: string, id: string, baseOnnxPath: string, bundledDir?: string): Promise<void> {
  if (!modelManifestSchema.shape.id.safeParse(id).success) {
    throw new UnshakeError('INVALID_REQUEST', `"${id}" cannot be a model id: use lower-case letters, digits, ".", "_" or "-" (max 64).`);
  }
  // The library hides a user model named like a bundled one (or the "base" alias): it would be
  // saved and never found.
  const bundled = await listModels(bundledDir === undefined ? {} : { bundledDir });
  if (bundled.some((m) => m.id === id)) {
    throw new UnshakeError('OUTPUT_EXISTS', `"${id}" is the name of a model that ships with Unshake; choose another name with --out.`);
  }
  const dir = modelDir(modelsDir, id);
  if (path.resolve(dir, ONNX_FILE) === path.resolve(baseOnnxPath)) {
    throw new UnshakeError('OUTPUT_EXISTS', 'The fine-tuned model would replace its base model; choose another name.');
  }
  if (await stat(dir).then(() => true, () => false)) {
    throw new UnshakeError('OUTPUT_EXISTS', `A model named "${id}" already exists in ${modelsDir}; choose another name with --out.`);
  }
}

function describeData(d: TrainingDataSummary): string {
  if (d.source === 'pairs') return `${d.trainPairs.length} pair(s)`;
  return `${d.trainPhotos.length} sharp-only photo(s) with synthetic camera shake (spec v${d.synthesis.specVersion}, seed ${d.synthesis.seed})`;
}

export async function exportFineTuned(req: ExportRequest): Promise<ExportedModel> {
  const dir = modelDir(req.modelsDir, req.id);
  await assertNewModelId(req.modelsDir, req.id, '');
  const onnx = writeWeightsToOnnx(req.baseBytes, req.weights);
  const { input, base, fineTuned } = req.summary.validation;
  const manifest = modelManifestSchema.parse({
    id: req.id,
    name: req.name,
    description:
      `Fine-tuned from ${req.baseManifest.name} on ${describeData(req.summary.data)} for ${req.summary.steps} steps. ` +
      `Held-out PSNR ${fineTuned.psnr.toFixed(2)} dB (base ${base.psnr.toFixed(2)} dB, blurred input ${input.psnr.toFixed(2)} dB).`,
    placeholder: false,
    file: ONNX_FILE,
    sha256: createHash('sha256').update(onnx).digest('hex'),
    parameters: req.parameters,
    io: req.baseManifest.io,
    ...(req.baseManifest.gmacPerMegapixel === undefined ? {} : { gmacPerMegapixel: req.baseManifest.gmacPerMegapixel }),
  });
  const out: ExportedModel = {
    dir,
    onnxPath: path.join(dir, ONNX_FILE),
    manifestPath: path.join(dir, `${req.id}.manifest.json`),
    summaryPath: path.join(dir, 'training.json'),
    manifest,
  };
  await mkdir(dir, { recursive: true });
  try {
    await writeFileAtomic(out.onnxPath, Buffer.from(onnx));
    await writeFileAtomic(out.summaryPath, `${JSON.stringify(req.summary, null, 2)}\n`);
    await writeFileAtomic(out.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new UnshakeError('WRITE_FAILED', `Could not save the fine-tuned model to ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return out;
}
