import { z } from 'zod';
import { modelIdSchema, modelNameSchema } from './model-id.js';
import type { ErrorInfo } from './error-codes.js';
import { batchChannels } from './ipc-batch-channels.js';
import { editorChannels } from './ipc-editor-channels.js';
import { trainingChannels } from './ipc-training-channels.js';
import { jobSnapshotSchema } from './job-state.js';
import { settingsPatchSchema, settingsSchema } from './settings-schema.js';
import {
  type editorSaveSchema,
  errorInfoSchema,
  executionProviderInfoSchema,
  jobIdSchema,
  modelInfoSchema,
  type metadataSummarySchema,
  unusableModelSchema,
} from './ipc-schemas.js';

export { editorSaveSchema, errorInfoSchema, executionProviderInfoSchema, metadataSummarySchema, modelInfoSchema, unusableModelSchema } from './ipc-schemas.js';

/**
 * The one IPC contract. For each channel: its wire name, request schema, response schema,
 * and whether it streams progress (job updates arrive on JOB_UPDATE_EVENT).
 * Main validates every request against it; the preload exposes one method per entry;
 * the renderer's api.ts is typed from it.
 */

export const ipcContract = {
  appInfo: {
    channel: 'app:info',
    request: z.object({}).strict(),
    response: z.object({
      name: z.string(),
      version: z.string(),
      platform: z.string(),
      /** `graphics`: the graphics-card providers this install may try, in order; `bundled: false` only if its add-on is installed. */
      engine: z.object({ runtime: z.string(), version: z.string(), graphics: z.array(z.object({ name: z.string(), bundled: z.boolean() })) }),
      executionProvider: executionProviderInfoSchema.nullable(),
    }),
    progress: false,
  },
  // The editor's channels (image:…, job:deblur, its saves, what a reload restores), in their own file.
  ...editorChannels,
  // The batch panel's channels (job:batch…), in their own file.
  ...batchChannels,
  jobStatus: {
    channel: 'job:status',
    request: z.object({ jobId: jobIdSchema }).strict(),
    response: jobSnapshotSchema,
    progress: false,
  },
  cancelJob: {
    channel: 'job:cancel',
    request: z.object({ jobId: jobIdSchema }).strict(),
    response: z.object({ cancelled: z.boolean() }),
    progress: false,
  },
  ...trainingChannels,
  listModels: {
    channel: 'models:list',
    request: z.object({}).strict(),
    response: z.object({
      models: z.array(modelInfoSchema),
      /** Models in the library that cannot be used (a damaged manifest, the ONNX file gone), with why. */
      unusable: z.array(unusableModelSchema),
    }),
    progress: false,
  },
  /**
   * The photos the system asked the app to open ("Open with", a photo dropped on the app's icon,
   * `unshake photo.jpg`) since the window last asked, oldest first; each is granted already.
   */
  takeOpenRequests: {
    channel: 'app:open-requests',
    request: z.object({}).strict(),
    response: z.array(z.string()),
    progress: false,
  },
  /** Moves a model the user made (or copied in) to the trash; the shipped ones stay. */
  removeModel: {
    channel: 'models:remove',
    request: z.object({ modelId: modelIdSchema }).strict(),
    // keptAt: where it went when the desktop has no trash (Unshake's own Trash folder), to be said.
    response: z.object({ removed: z.literal(true), keptAt: z.string().optional() }),
    progress: false,
  },
  /** Rename: only the manifest's name changes (the id, its folder and every reference to it stay). */
  renameModel: {
    channel: 'models:rename',
    request: z.object({ modelId: modelIdSchema, name: modelNameSchema }).strict(),
    // from: the name it had, for the window to say "Renamed “from” to “to”."
    response: z.object({ from: z.string(), to: z.string() }),
    progress: false,
  },
  /** Import model…: main's own folder dialog, then the folder's model copied into the library (null: the dialog was cancelled). */
  importModel: {
    channel: 'models:import',
    request: z.object({}).strict(),
    response: z.object({ imported: z.object({ id: z.string(), name: z.string() }).nullable() }),
    progress: false,
  },
  /** Show models folder: the user's models folder opened in the system's file manager (made if missing). */
  showModelsFolder: {
    channel: 'models:show-folder',
    request: z.object({}).strict(),
    response: z.object({ folder: z.string() }),
    progress: false,
  },
  getSettings: {
    channel: 'settings:get',
    request: z.object({}).strict(),
    response: settingsSchema,
    progress: false,
  },
  setSettings: {
    channel: 'settings:set',
    request: settingsPatchSchema,
    response: settingsSchema,
    progress: false,
  },
  /** Why the settings file could not be used at start (then the defaults are in force), told once. */
  settingsNotice: {
    channel: 'settings:notice',
    request: z.object({}).strict(),
    response: z.object({ notice: errorInfoSchema.nullable() }),
    progress: false,
  },
} as const;

/** Main → renderer push channel carrying JobSnapshot updates for progress-streaming channels. */
export const JOB_UPDATE_EVENT = 'job:update';

/** Main → renderer, no payload: the system asked to open photos; the window takes them (takeOpenRequests). */
export const OPEN_REQUEST_EVENT = 'app:open-request';

/**
 * Preload → main: a path the user handed over (a dropped or picked File's, see granted-paths.ts).
 * Not a contract channel: the page cannot send it, only the preload, from a File it was given.
 */
export const GRANT_PATH_EVENT = 'path:granted';

export type IpcContract = typeof ipcContract;
export type ChannelName = keyof IpcContract;
export const CHANNEL_NAMES = Object.keys(ipcContract) as ChannelName[];

export type IpcRequest<K extends ChannelName> = z.input<IpcContract[K]['request']>;
export type IpcParsedRequest<K extends ChannelName> = z.output<IpcContract[K]['request']>;
export type IpcResponse<K extends ChannelName> = z.output<IpcContract[K]['response']>;

/** Every IPC reply is a Result so error codes survive the trip (Electron strips thrown errors). */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function ipcResultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorInfoSchema }),
  ]);
}

/** The API the preload exposes on `window.unshake`: one method per channel plus job updates. */
export type UnshakeApi = {
  [K in ChannelName]: (request: IpcRequest<K>) => Promise<IpcResult<IpcResponse<K>>>;
} & {
  onJobUpdate(listener: (job: z.output<typeof jobSnapshotSchema>) => void): () => void;
  /** The system asked to open photos (OPEN_REQUEST_EVENT): take them with takeOpenRequests. */
  onOpenRequest(listener: () => void): () => void;
};

/**
 * Exactly what the preload puts on `window.unshake`: the channels plus the dropped file's path
 * and the release of decoded images
 * (Electron's webUtils.getPathForFile; '' when the file has no path on disk). The file type is
 * a parameter because electron/common is also compiled without the DOM lib: the preload and the
 * renderer say `PreloadApi<File>`, Node-side code (the e2e page shim) keeps the structural default.
 */
export type PreloadApi<DroppedFile extends { readonly name: string; readonly webkitRelativePath: string } = { readonly name: string; readonly webkitRelativePath: string }> = UnshakeApi & {
  pathForFile(file: DroppedFile): string;
  /**
   * Lets the page's own process drop decoded images it no longer shows (Electron's
   * webFrame.clearCache). Chromium keeps each decoded preview and crop, about 14 MB apiece, until
   * the system reports memory pressure, which Linux never does: memory grew with every photo opened.
   */
  releaseImageMemory(): void;
};

export type MetadataSummary = z.infer<typeof metadataSummarySchema>;
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type UnusableModel = z.infer<typeof unusableModelSchema>;
export type ExecutionProviderInfo = z.infer<typeof executionProviderInfoSchema>;
export type OpenImageResult = IpcResponse<'openImage'>;
export type EditorSave = z.infer<typeof editorSaveSchema>;
export type AppInfo = IpcResponse<'appInfo'>;
