import { UnshakeError } from '../../model/src/errors.js';
import { listModels, userModelFolder } from '../../model/src/models/library.js';
import type { CommandContext, Handler, Handlers } from './command-context.js';
import { engineRequestSchemas, type EngineCommand } from './engine-protocol.js';
import { modelDirs } from './worker-paths.js';

export type { CommandContext } from './command-context.js';

/**
 * The same worker runs as three processes (deblur, images, training), each sent its own commands.
 * Each command's handler is imported with its first request, so a process loads only what its
 * commands need: sharp for images, ORT for deblurs, TF.js when a run starts. Static imports would
 * load all three in every process (and again at every restart): esbuild splits the bundle at these
 * import()s (scripts/build-electron.mjs).
 */
const imageHandlers = async () => (await import('./image-handlers.js')).imageHandlers;
const deblurHandlers = async () => (await import('./deblur-handlers.js')).deblurHandlers;
const trainingHandlers = async () => (await import('./training-handlers.js')).trainingHandlers;

/** Set once a command that may open ORT sessions has run: before that there is nothing to let go. */
let sessionsMayBeOpen = false;

function lazily<C extends EngineCommand>(load: () => Promise<Handlers<C>>, commands: readonly C[], opensSessions = false): Handlers<C> {
  const entries = commands.map((command) => {
    const handler: Handler<C> = async (request, context) => {
      sessionsMayBeOpen ||= opensSessions;
      return ((await load())[command] as Handler<C>)(request, context);
    };
    return [command, handler];
  });
  return Object.fromEntries(entries) as Handlers<C>;
}

const handlers: Handlers<EngineCommand> = {
  ...lazily(imageHandlers, ['inspect', 'preview', 'pixels', 'crop', 'encode']),
  // 'info' only reads ORT's version: it opens no session.
  ...lazily(deblurHandlers, ['info']),
  ...lazily(deblurHandlers, ['deblur', 'deblurTo'], true),
  // A fine-tune opens its base model with ORT's session manager too.
  ...lazily(trainingHandlers, ['train', 'planTrainingRun', 'trainingRuns', 'discardTrainingRun'], true),
  // Opens a session and closes it again (checkModelLoads), as a fine-tune's first check does.
  ...lazily(trainingHandlers, ['checkModel']),
  models: async ({ userModelsDir }) => listModels(modelDirs(userModelsDir)),
  modelFolder: async ({ userModelsDir, modelId }) => ({ folder: await userModelFolder(modelId, modelDirs(userModelsDir)) }),
};

/** Validate one request's payload, then run it. Bad payloads are INVALID_REQUEST replies. */
export async function runEngineCommand(command: EngineCommand, payload: unknown, context: CommandContext): Promise<unknown> {
  const parsed = engineRequestSchemas[command].safeParse(payload);
  if (!parsed.success) {
    throw new UnshakeError('INVALID_REQUEST', `Bad ${command} request for the engine: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const handler = handlers[command] as Handler<EngineCommand>;
  return handler(parsed.data as never, context);
}

/**
 * Lets go of idle ORT sessions (retireIdleSessions) where a command may have opened some; the
 * session manager is imported only then, as importing it loads ORT.
 */
export async function retireIdleSessions(): Promise<void> {
  if (!sessionsMayBeOpen) return;
  (await import('../../model/src/infer/session-manager.js')).retireIdleSessions();
}
