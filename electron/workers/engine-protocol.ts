import { z } from 'zod';
import type { ErrorInfo } from '../common/error-codes.js';
import type { ExecutionProviderInfo, MetadataSummary, ModelInfo } from '../common/ipc-contract.js';
import type { JobProgress } from '../common/job-state.js';
import { regionMaskSchema } from '../common/mask.js';
import { modelIdSchema } from '../common/model-id.js';
import { OUTPUT_FORMATS } from '../common/settings-schema.js';
import { newTrainingRunSchema, trainingRunIdSchema, type InterruptedRunInfo, type TrainedModel } from '../common/training.js';
import type { FilePixels } from '../../model/src/image/pixel-fingerprint.js';
import type { SourceMetadata } from '../../model/src/image/types.js';

/**
 * Messages between main and the engine worker. Requests are id-tagged so several can be in
 * flight (a preview while a deblur runs); `cancel` aborts the request with the same id.
 * The worker validates what it receives, so a bad message is an error reply, never a crash.
 */
const absolutePath = z.string().min(1).max(4096);
/** The graphics-card setting when a training run starts; absent: the fastest backend (the CLI's way). */
const trainingProvider = z.enum(['auto', 'cpu']).optional();
const bytes = z.custom<Uint8Array<ArrayBufferLike>>((value) => value instanceof Uint8Array, 'expected bytes');

/**
 * What a save needs of the original besides pixels (format, profile, EXIF, XMP), captured when
 * the deblur read it: a result then saves at full strength even after the original went away
 * (a memory card ejected, a share offline), and without decoding the original a second time.
 */
export const sourceMetadataSchema = z
  .object({
    path: absolutePath,
    format: z.string(),
    orientation: z.number().int(),
    space: z.string(),
    icc: bytes.nullable(),
    exif: bytes.nullable(),
    xmp: bytes.nullable(),
    hasAlpha: z.boolean(),
    transparent: z.boolean().optional(),
    fileSizeBytes: z.number().nonnegative(),
    lossless: z.boolean().optional(),
    jpegQuality: z.number().int().min(1).max(100).optional(),
    chromaSubsampling: z.string().max(16).optional(),
    density: z.number().positive().optional(),
    iptc: bytes.optional(),
    fingerprint: z.string().optional(),
    pixels: z.string().optional(),
    /** An HDR JPEG's gain map (gain-map.ts), put back when the save is a JPEG. */
    gainMap: z.object({ image: bytes, primarySegments: bytes }).strict().optional(),
    notes: z.array(z.string()).optional(),
  })
  .strict();
export type SourceMetadataWire = z.infer<typeof sourceMetadataSchema>;

/** The engine's SourceMetadata again: structured clone turned its Buffers into plain Uint8Arrays. */
export function sourceFromWire(wire: SourceMetadataWire): SourceMetadata {
  const buffer = (b: Uint8Array | null) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);
  const { iptc, gainMap, ...rest } = wire;
  return {
    ...rest,
    icc: buffer(wire.icc),
    exif: buffer(wire.exif),
    xmp: buffer(wire.xmp),
    ...(iptc ? { iptc: buffer(iptc)! } : {}),
    ...(gainMap ? { gainMap: { image: buffer(gainMap.image)!, primarySegments: buffer(gainMap.primarySegments)! } } : {}),
  };
}

export const engineRequestSchemas = {
  info: z.object({}).strict(),
  /** maxMegapixels: the settings' limit, so a user who raised it can open the photo. */
  inspect: z.object({ path: absolutePath, maxMegapixels: z.number().positive() }).strict(),
  preview: z.object({ path: absolutePath, maxEdge: z.number().int().positive(), maxMegapixels: z.number().positive() }).strict(),
  /** An opened photo's decoded pixels' fingerprint, to tell a rating written into it from another picture (opened-file.ts). */
  pixels: z.object({ path: absolutePath, maxMegapixels: z.number().positive() }).strict(),
  /** A full-resolution region of the upright photo, for the editor's 100 % view. */
  crop: z
    .object({
      path: absolutePath,
      region: z.object({ left: z.number().int().min(0), top: z.number().int().min(0), width: z.number().int().positive(), height: z.number().int().positive() }).strict(),
      maxMegapixels: z.number().positive(),
    })
    .strict(),
  deblur: z
    .object({
      path: absolutePath,
      /** Where the lossless result goes (userData/results/<jobId>.png). */
      outPath: absolutePath,
      mask: regionMaskSchema.optional(),
      strength: z.number().min(0).max(1),
      modelId: z.string().min(1),
      userModelsDir: absolutePath,
      maxMegapixels: z.number().positive(),
      preferredProvider: z.enum(['auto', 'cpu']),
    })
    .strict(),
  /** A batch photo: deblurred and written straight to its result file (never over one). */
  deblurTo: z
    .object({
      path: absolutePath,
      outPath: absolutePath,
      strength: z.number().min(0).max(1),
      modelId: z.string().min(1),
      userModelsDir: absolutePath,
      maxMegapixels: z.number().positive(),
      preferredProvider: z.enum(['auto', 'cpu']),
      format: z.enum(OUTPUT_FORMATS),
      quality: z.number().int().min(1).max(100),
    })
    .strict(),
  encode: z
    .object({
      resultPath: absolutePath,
      /** The original photo as the deblur read it: its EXIF/ICC/format are what the output keeps. */
      source: sourceMetadataSchema,
      outPath: absolutePath,
      format: z.enum(OUTPUT_FORMATS),
      quality: z.number().int().min(1).max(100).optional(),
      overwrite: z.boolean(),
      maxMegapixels: z.number().positive(),
      /** Share of the result's change to keep (strength ÷ the job's strength); absent: all of it. */
      keep: z.number().min(0).max(1).optional(),
    })
    .strict(),
  models: z.object({ userModelsDir: absolutePath }).strict(),
  /** The folder of a model in the user's library (refused for bundled and loose ones), to remove it. */
  modelFolder: z.object({ userModelsDir: absolutePath, modelId: z.string().min(1) }).strict(),
  /** A fine-tuning run (only ever sent to the training process): a new one, or an interrupted one resumed. */
  train: z.discriminatedUnion('kind', [
    newTrainingRunSchema.extend({ kind: z.literal('new'), userModelsDir: absolutePath, folder: absolutePath, runId: trainingRunIdSchema, preferredProvider: trainingProvider }).strict(),
    // folder: where the user located a pairs folder moved since the run recorded it.
    z.object({ kind: z.literal('resume'), userModelsDir: absolutePath, runId: trainingRunIdSchema, folder: absolutePath.optional(), preferredProvider: trainingProvider }).strict(),
  ]),
  /** The id a new run's model gets, refused at once when taken. */
  planTrainingRun: z.object({ userModelsDir: absolutePath, baseModelId: modelIdSchema, name: z.string().min(1) }).strict(),
  trainingRuns: z.object({ userModelsDir: absolutePath }).strict(),
  discardTrainingRun: z.object({ userModelsDir: absolutePath, runId: trainingRunIdSchema }).strict(),
  /** Whether a library model opens in ONNX Runtime as a deblur would: asked after a fine-tune failed with MODEL_INVALID. */
  checkModel: z.object({ userModelsDir: absolutePath, modelId: z.string().min(1) }).strict(),
} as const;

export type EngineCommand = keyof typeof engineRequestSchemas;
export type EngineRequest<T extends EngineCommand> = z.infer<(typeof engineRequestSchemas)[T]>;

export interface EngineResponses {
  /** `graphics`: the graphics providers this ONNX Runtime build may try, before any session loads. */
  info: { runtime: string; version: string; graphics: { name: string; bundled: boolean }[] };
  inspect: MetadataSummary;
  /** Uint8Array rather than Buffer: structured clone drops Buffer's prototype. */
  preview: { jpeg: Uint8Array; width: number; height: number };
  crop: { jpeg: Uint8Array; width: number; height: number };
  /** pixel-fingerprint.ts filePixels: `fingerprint`, the file's bytes just before its pixels were read. */
  pixels: FilePixels;
  deblur: { outPath: string; width: number; height: number; tiles: number; executionProvider: ExecutionProviderInfo; source: SourceMetadataWire };
  encode: { path: string; bytes: number };
  /** notes: what the result leaves out of the photo, in words (result-notes.ts). */
  deblurTo: { outPath: string; bytes: number; executionProvider: ExecutionProviderInfo; notes: string[] };
  models: ModelInfo[];
  modelFolder: { folder: string };
  train: TrainedModel;
  planTrainingRun: { runId: string };
  trainingRuns: InterruptedRunInfo[];
  discardTrainingRun: { discarded: true };
  /** null: it loads; else why not (the MODEL_INVALID message). */
  checkModel: { problem: string | null };
}
export type EngineResponse<T extends EngineCommand> = EngineResponses[T];

const commandNames = Object.keys(engineRequestSchemas) as [EngineCommand, ...EngineCommand[]];

/** What main sends. The payload is checked per command by the worker. */
export const toWorkerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: z.number().int(), command: z.enum(commandNames), payload: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
]);
export type ToWorkerMessage = z.infer<typeof toWorkerMessageSchema>;

export type FromWorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ErrorInfo }
  | { type: 'progress'; id: number; progress: JobProgress };
