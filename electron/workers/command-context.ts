import type { JobProgress } from '../common/job-state.js';
import type { EngineCommand, EngineRequest, EngineResponse } from './engine-protocol.js';

export interface CommandContext {
  signal: AbortSignal;
  onProgress: (progress: JobProgress) => void;
}

export type Handler<T extends EngineCommand> = (request: EngineRequest<T>, context: CommandContext) => Promise<EngineResponse<T>>;

/** One handler for each of the commands C. */
export type Handlers<C extends EngineCommand> = { [T in C]: Handler<T> };

/** The app's pixel limit is its Output panel's setting: IMAGE_TOO_LARGE says so (the CLI names its option). */
const APP_LIMIT_ADVICE = "Raise the limit (Largest photo, in the app's Output panel), or downscale the photo.";
export const pixelLimit = (maxMegapixels: number) => ({ maxMegapixels, limitAdvice: APP_LIMIT_ADVICE });
