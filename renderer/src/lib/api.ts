import type {
  AppInfo,
  ChannelName,
  ErrorCode,
  IpcRequest,
  IpcResponse,
  IpcResult,
  JobSnapshot,
  OpenImageResult,
  PreloadApi,
  Settings,
  SettingsPatch,
} from '../../../electron/common/index.js';
import { screenEdge } from './screen-edge.js';

/**
 * The only door from the renderer to main. It reads the preload's `window.unshake`, unwraps
 * IpcResult replies into values, and throws ApiError for failures so callers can use try/catch
 * and still show the stable error code. Nothing else in the renderer touches window.unshake.
 */

declare global {
  interface Window {
    unshake?: PreloadApi<File>;
  }
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function bridge(): PreloadApi<File> {
  const preload = window.unshake;
  if (!preload) {
    throw new ApiError('INTERNAL', 'Unshake’s app bridge is missing: open the editor from the Unshake app, not a plain browser.');
  }
  return preload;
}

async function call<K extends ChannelName>(channel: K, request: IpcRequest<K>): Promise<IpcResponse<K>> {
  // The mapped type loses the link between K and its method, so name the method's type once here.
  const method = bridge()[channel] as (request: IpcRequest<K>) => Promise<IpcResult<IpcResponse<K>>>;
  let result: IpcResult<IpcResponse<K>>;
  try {
    result = await method(request);
  } catch (error) {
    // Only a broken bridge rejects; main itself always answers with a Result.
    const detail = error instanceof Error ? error.message : String(error);
    throw new ApiError('INTERNAL', `The app did not answer (${channel}): ${detail}`);
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}

export const api = {
  appInfo: (): Promise<AppInfo> => call('appInfo', {}),
  /** After the photo on screen changes: Chromium drops the decoded previews and crops of the last one. */
  releaseImageMemory: (): void => bridge().releaseImageMemory(),
  openImage: (path: string): Promise<OpenImageResult> => call('openImage', { path, screenEdge: screenEdge() }),
  imageStatus: (imageId: string): Promise<IpcResponse<'imageStatus'>> => call('imageStatus', { imageId }),
  deblur: (request: IpcRequest<'deblur'>): Promise<IpcResponse<'deblur'>> => call('deblur', request),
  batch: (request: IpcRequest<'batch'>): Promise<IpcResponse<'batch'>> => call('batch', request),
  batchRuns: (): Promise<IpcResponse<'batchRuns'>> => call('batchRuns', {}),
  interruptedBatches: (): Promise<IpcResponse<'interruptedBatches'>> => call('interruptedBatches', {}),
  journalNotice: (): Promise<IpcResponse<'journalNotice'>> => call('journalNotice', {}),
  resumeBatch: (runId: string): Promise<IpcResponse<'resumeBatch'>> => call('resumeBatch', { runId }),
  dismissBatch: (runId: string): Promise<IpcResponse<'dismissBatch'>> => call('dismissBatch', { runId }),
  cancelBatch: (runId: string): Promise<IpcResponse<'cancelBatch'>> => call('cancelBatch', { runId }),
  editorJobs: (): Promise<IpcResponse<'editorJobs'>> => call('editorJobs', {}),
  editorShowing: (imageId: string, jobId?: string, strength?: number): Promise<IpcResponse<'editorShowing'>> =>
    call('editorShowing', { imageId, ...(jobId ? { jobId } : {}), ...(strength !== undefined ? { strength } : {}) }),
  missingSaves: (): Promise<IpcResponse<'missingSaves'>> => call('missingSaves', {}),
  jobStatus: (jobId: string): Promise<JobSnapshot> => call('jobStatus', { jobId }),
  cancelJob: (jobId: string): Promise<IpcResponse<'cancelJob'>> => call('cancelJob', { jobId }),
  save: (request: IpcRequest<'save'>): Promise<IpcResponse<'save'>> => call('save', request),
  saveAs: (request: IpcRequest<'saveAs'>): Promise<IpcResponse<'saveAs'>> => call('saveAs', request),
  trainStart: (request: IpcRequest<'trainStart'>): Promise<IpcResponse<'trainStart'>> => call('trainStart', request),
  trainResume: (runId: string, folder?: string): Promise<IpcResponse<'trainResume'>> => call('trainResume', { runId, ...(folder === undefined ? {} : { folder }) }),
  trainingRuns: (): Promise<IpcResponse<'trainingRuns'>> => call('trainingRuns', {}),
  discardTrainingRun: (runId: string): Promise<IpcResponse<'discardTrainingRun'>> => call('discardTrainingRun', { runId }),
  listModels: (): Promise<IpcResponse<'listModels'>> => call('listModels', {}),
  takeOpenRequests: (): Promise<string[]> => call('takeOpenRequests', {}),
  removeModel: (modelId: string): Promise<IpcResponse<'removeModel'>> => call('removeModel', { modelId }),
  renameModel: (modelId: string, name: string): Promise<IpcResponse<'renameModel'>> => call('renameModel', { modelId, name }),
  importModel: (): Promise<IpcResponse<'importModel'>> => call('importModel', {}),
  showModelsFolder: (): Promise<IpcResponse<'showModelsFolder'>> => call('showModelsFolder', {}),
  getSettings: (): Promise<Settings> => call('getSettings', {}),
  setSettings: (patch: SettingsPatch): Promise<Settings> => call('setSettings', patch),
  settingsNotice: (): Promise<IpcResponse<'settingsNotice'>> => call('settingsNotice', {}),
  onJobUpdate: (listener: (job: JobSnapshot) => void): (() => void) => bridge().onJobUpdate(listener),
  onOpenRequest: (listener: () => void): (() => void) => bridge().onOpenRequest(listener),
  pathForFile: (file: File): string => bridge().pathForFile(file),
};
