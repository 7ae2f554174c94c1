import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { psnrText } from '../../../electron/common/training.js';
import { UnshakeError } from '../errors.js';
import type { BackendRecord } from './backend-record.js';
import { mkdirFailure } from './write-failure.js';
import { listModels } from '../models/library.js';
import { modelManifestSchema, type ModelManifest } from '../models/manifest.js';
import type { SynthesisInfo } from './synth/synthesis-spec.js';
import { skippedSummary } from './panel-data-lines.js';
import { writeWeightsToOnnx } from './tf-to-onnx.js';
import { makeFolders } from '../image/make-folders.js';

/**
 * Writes a fine-tuned model into the user's library as `<modelsDir>/<id>/model.onnx`, its
 * manifest `<id>.manifest.json` and a `training.json` sidecar (base model, data, steps,
 * held-out scores). The manifest is written last so a half-written folder is never listed, and
 * the folder is removed if anything fails. A base model is never a target: the id must be new.
 * The manifest keeps the base model's licence (the weights derive from it) and records the base
 * model's id, version and training next to the fine-tune's own.
 */
/** What the model was trained on: real pairs, or sharp-only photos with synthetic shake. */
export type TrainingDataSummary =
  | {
      source: 'pairs';
      folder: string;
      layout: string;
      trainPairs: string[];
      validationPairs: string[];
      rejected: { name: string; reason: string }[];
      /** Files without a partner, relative to `folder` ("blur/c.png"); absent before 2026-12-07. */
      unpaired?: { file: string; reason: string }[];
      /** Pairs whose sharp crops were moved to line up: the measured shift (px) against centred. Absent before 2026-12-08. */
      realigned?: { name: string; dx: number; dy: number }[];
    }
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
  baseModel: { id: string; file: string; sha256: string; version?: string };
  data: TrainingDataSummary;
  steps: number;
  /** 'full' or 'decoder' (decoder and tail only). */
  mode: string;
  crop: number;
  batch: number;
  /** Absent in models exported before it was recorded. */
  learningRate?: number;
  /** TF.js's name for the last session's backend ("webgpu", "tensorflow"): kept for older readers; `backends` says more. */
  backend: string;
  /** Each session's backend in words and whether it was a graphics card (a resumed run has several); absent before 2026-12-07. */
  backends?: BackendRecord[];
  lossWeights: Record<string, number>;
  /** heldOut false: measured on the training photos themselves (one pair or one scene to train on). */
  validation: { input: Scores; base: Scores; fineTuned: Scores; crop: number; heldOut: boolean };
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

export const isModelId = (id: string) => modelManifestSchema.shape.id.safeParse(id).success;

/** Fails early (before a long run) when the id is taken or not a valid model id. */
export async function assertNewModelId(modelsDir: string, id: string, baseOnnxPath: string, bundledDir?: string): Promise<void> {
  if (!isModelId(id)) {
    throw new UnshakeError('INVALID_REQUEST', `"${id}" cannot be a model id: use lower-case letters, digits, ".", "_" or "-" (max 64).`);
  }
  // The library hides a user model named like a bundled one (or the "base" alias): it would be
  // saved and never found. A user model with that id in any folder (a copied one, say) would
  // make two models with one id.
  const taken = (await listModels({ userModelsDir: modelsDir, ...(bundledDir === undefined ? {} : { bundledDir }) })).find((m) => m.id === id);
  if (taken?.source === 'bundled') {
    throw new UnshakeError('OUTPUT_EXISTS', `"${id}" is the name of a model that ships with Unshake; choose another name (--out NAME on the command line).`);
  }
  if (taken) {
    throw new UnshakeError('OUTPUT_EXISTS', `A model with the id "${id}" ("${taken.name}") is already in the library in ${modelsDir}; choose another name (--out NAME on the command line).`);
  }
  const dir = modelDir(modelsDir, id);
  if (path.resolve(dir, ONNX_FILE) === path.resolve(baseOnnxPath)) {
    throw new UnshakeError('OUTPUT_EXISTS', 'The fine-tuned model would replace its base model; choose another name.');
  }
  if (await stat(dir).then(() => true, () => false)) {
    throw new UnshakeError('OUTPUT_EXISTS', `A model named "${id}" already exists in ${modelsDir}; choose another name (--out NAME on the command line).`);
  }
}

/** The scores sentence of the description: the library lists and the model picker show it. */
function describeScores({ input, base, fineTuned, heldOut }: TrainingSummary['validation']): string {
  const scores = `${fineTuned.psnr.toFixed(2)} dB (base ${base.psnr.toFixed(2)} dB, blurred input ${psnrText(input.psnr)})`;
  return heldOut ? `Held-out PSNR ${scores}.` : `PSNR on its own training photos ${scores}: not held out, so not a fair test.`;
}

function describeData(d: TrainingDataSummary): string {
  if (d.source === 'pairs') return `${d.trainPairs.length} pair(s)`;
  return `${d.trainPhotos.length} sharp-only photo(s) with synthetic camera shake (spec v${d.synthesis.specVersion}, seed ${d.synthesis.seed})`;
}

/** What the run left out of its folder, for the description; '' when nothing. */
function describeSkipped(d: TrainingDataSummary): string {
  const skipped = skippedSummary(d);
  return skipped ? `${skipped.count} of ${skipped.of} ${skipped.unit} in its folder were skipped (named in training.json). ` : '';
}

/**
 * The base version with `+ft.<steps>` (semver build metadata, so it sorts with its base); a
 * fine-tune of a fine-tune appends `.ft.<steps>`.
 */
function fineTunedVersion(baseVersion: string | undefined, steps: number): string {
  const v = baseVersion ?? '0.0.0';
  return `${v}${v.includes('+') ? '.' : '+'}ft.${steps}`;
}

/** The manifest's training section, in the base recipe's terms (steps, data mix). */
function trainingSection(base: ModelManifest, s: TrainingSummary): NonNullable<ModelManifest['training']> {
  const mild = s.data.source === 'synthetic' ? s.data.synthesis.mildShare : 0;
  return {
    steps: s.steps,
    mix: s.data.source === 'pairs' ? 'pairs=1' : `synth=${+(1 - mild).toFixed(4)},mild=${mild}`,
    fineTune: { mode: s.mode, crop: s.crop, batch: s.batch, learningRate: s.learningRate, lossWeights: s.lossWeights, finishedAt: s.finishedAt },
    baseModel: { id: base.id, ...(base.version === undefined ? {} : { version: base.version }), ...(base.training === undefined ? {} : { training: base.training }) },
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function exportPaths(dir: string, id: string): Omit<ExportedModel, 'manifest'> {
  return { dir, onnxPath: path.join(dir, ONNX_FILE), manifestPath: path.join(dir, `${id}.manifest.json`), summaryPath: path.join(dir, 'training.json') };
}

export async function exportFineTuned(req: ExportRequest): Promise<ExportedModel> {
  const dir = modelDir(req.modelsDir, req.id);
  await assertNewModelId(req.modelsDir, req.id, '');
  const onnx = writeWeightsToOnnx(req.baseBytes, req.weights);
  const b = req.baseManifest;
  const manifest = modelManifestSchema.parse({
    id: req.id,
    name: req.name,
    description:
      `Fine-tuned from ${b.name}${b.version ? ` ${b.version}` : ''} on ${describeData(req.summary.data)} for ${req.summary.steps} steps. ` +
      describeSkipped(req.summary.data) +
      describeScores(req.summary.validation),
    version: fineTunedVersion(b.version, req.summary.steps),
    ...(b.license === undefined ? {} : { license: b.license }),
    training: trainingSection(b, req.summary),
    placeholder: false,
    file: ONNX_FILE,
    sha256: sha256(onnx),
    parameters: req.parameters,
    io: b.io,
    ...(b.gmacPerMegapixel === undefined ? {} : { gmacPerMegapixel: b.gmacPerMegapixel }),
  });
  const out: ExportedModel = { ...exportPaths(dir, req.id), manifest };
  try {
    await makeFolders(dir);
    await writeFileAtomic(out.onnxPath, Buffer.from(onnx));
    await writeFileAtomic(out.summaryPath, `${JSON.stringify(req.summary, null, 2)}\n`);
    await writeFileAtomic(out.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const plain = await mkdirFailure(error, dir, 'save the fine-tuned model');
    throw plain instanceof UnshakeError ? plain : new UnshakeError('WRITE_FAILED', `Could not save the fine-tuned model to ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return out;
}

/**
 * The complete model a run exported under id (manifest, matching ONNX file, training.json), or
 * null. A run stopped between its export and removing its checkpoint leaves one behind.
 */
export async function readExportedModel(modelsDir: string, id: string): Promise<{ model: ExportedModel; summary: TrainingSummary } | null> {
  const paths = exportPaths(modelDir(modelsDir, id), id);
  try {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(paths.manifestPath, 'utf8')));
    const summary = JSON.parse(await readFile(paths.summaryPath, 'utf8')) as TrainingSummary;
    // Versions before 2026-12-07 did not record it and called every score held out.
    if (summary.validation) summary.validation.heldOut ??= true;
    const complete = manifest.id === id && manifest.file === ONNX_FILE && manifest.sha256 === sha256(await readFile(paths.onnxPath));
    return complete && typeof summary.baseModel?.sha256 === 'string' ? { model: { ...paths, manifest }, summary } : null;
  } catch {
    return null;
  }
}

/**
 * True for a model folder that an export stopped half-way through left: no manifest (it is
 * written last) and nothing but the export's own files and their temp files (write-file-atomic
 * names them `<file>.<number>`). Anything else in it is not the export's to remove.
 */
export async function isPartialExport(modelsDir: string, id: string): Promise<boolean> {
  const names = await readdir(modelDir(modelsDir, id)).catch(() => null);
  if (!names) return false;
  const own = [ONNX_FILE, 'training.json', `${id}.manifest.json`];
  const ownOrTemp = (n: string) => own.some((f) => n === f || (n.startsWith(`${f}.`) && /^\d+$/.test(n.slice(f.length + 1))));
  return !names.includes(own[2]!) && names.every(ownOrTemp);
}
