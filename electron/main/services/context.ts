import type { EditorSave, ExecutionProviderInfo } from '../../common/ipc-contract.js';
import type { RegionMask } from '../../common/mask.js';
import type { EngineResponses, SourceMetadataWire } from '../../workers/engine-protocol.js';
import type { EngineClient } from '../engine/engine-client.js';
import type { ImageRegistry } from '../images/image-registry.js';
import type { JobJournal } from '../jobs/job-journal.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Settings } from '../../common/settings-schema.js';
import type { ResultPreviews } from './result-previews.js';
import type { ResultStore } from './result-store.js';
import type { GrantedPaths } from './granted-paths.js';
import type { InterruptedBatches } from './interrupted-batches.js';
import type { ModelFailures } from './model-failures.js';

/** A finished deblur: where its lossless result lies and which photo it came from. */
export interface JobResult {
  imageId: string;
  sourcePath: string;
  sourceFormat: string;
  /** The original as the deblur read it (format, profile, EXIF): what a save keeps. */
  source: SourceMetadataWire;
  resultPath: string;
  /** The strength (0–1) the deblur ran with: a save may ask for less, never more. */
  strength: number;
  /**
   * The megapixel limit the deblur ran with. Its photo was accepted under it and the result is
   * the photo's size, so every later read of either (preview, 100 % crop, save) uses this one:
   * a limit lowered since guards what is opened next, not a result already made.
   */
  maxMegapixels: number;
  /** Its photo's preview's long edge: the result's preview is made as large, so Before and After match. */
  previewEdge: number;
}

/** An editor deblur of this session, for a reloaded window: its photo, what it ran with, its saves. */
export interface EditorDeblur {
  imageId: string;
  modelId: string;
  mask: RegionMask | undefined;
  saves: EditorSave[];
  /** The strength (0–1) the window last showed its result at: Show brings it back after a reload. */
  strength?: number;
  /** The result of its photo on screen when it was asked for: what the window shows again if it is cancelled or fails. */
  restores?: string;
}

/** What every service (one file per IPC command) may use. Built once by startServices. */
export interface ServiceContext {
  engine: EngineClient;
  /** A second engine process, for training runs only: a run never holds up a deblur. */
  trainingEngine: EngineClient;
  /** Opens photos, makes previews and 100 % crops: a process a deblur's tiles never hold up (or `engine` itself in some tests). */
  imaging: EngineClient;
  settings: SettingsStore;
  images: ImageRegistry;
  jobs: JobManager;
  /** userData/jobs.jsonl: the batches started, and their photos' status changes. */
  journal: JobJournal;
  /** Batches an earlier session left unfinished, offered until resumed or dismissed. */
  interruptedBatches: InterruptedBatches;
  /** The editor's deblur results on disk, kept while the window can still show or save them (prune-results.ts). */
  results: ResultStore;
  /** By job id, in the order they were asked for. */
  editorDeblurs: Map<string, EditorDeblur>;
  /** Saves being written: a reloaded window is told the editor's saves once they are on disk. */
  savesWriting: Set<Promise<unknown>>;
  /** What the editor last said it shows (a photo, and the deblur whose result is on it): what a reloaded window shows again. */
  editorShowing: { imageId: string; jobId: string | null } | null;
  resultPreviews: ResultPreviews;
  paths: { userDataDir: string; resultsDir: string; userModelsDir: string };
  /** What the user handed the window: the only files and folders a request may name. */
  granted: GrantedPaths;
  appVersion: string;
  /** User models ONNX Runtime refused this session: listed as unusable, never kept as the default. */
  modelFailures: ModelFailures;
  /** Facts learned from the engine as it runs, reported by appInfo. */
  engineState: {
    runtime: EngineResponses['info'] | null;
    executionProvider: ExecutionProviderInfo | null;
  };
}

/**
 * The processor a job ran on, for the status bar, only if the graphics-card choice it was made
 * under is still the one in force: a job started before the user changed it would otherwise name
 * the old hardware again after setSettings cleared it.
 */
export function reportExecutionProvider(context: ServiceContext, madeUnder: Settings['preferredExecutionProvider'], used: ExecutionProviderInfo | null): void {
  if (context.settings.get().preferredExecutionProvider === madeUnder) context.engineState.executionProvider = used;
}
