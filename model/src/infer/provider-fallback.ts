import type ort from 'onnxruntime-node';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { acquireSession, markProviderFailed, type SessionHandle, type SessionOptions } from './session-manager.js';

/**
 * The session a deblur's tiles run on. A tile that fails on a graphics card (out of memory, a
 * driver reset) is run again on the next provider of the chain, down to the CPU, and the deblur
 * goes on from that tile: tiles already blended stay, so the photo is neither restarted (a deblur
 * in place has already written the rows above) nor lost. A failure on the CPU is the model's own
 * and is thrown as it is.
 */
export class ProviderFallback {
  private constructor(
    private readonly modelPath: string,
    private readonly options: SessionOptions,
    private current: { handle: SessionHandle; release: () => Promise<void> },
  ) {}

  static async open(modelPath: string, options: SessionOptions): Promise<ProviderFallback> {
    return new ProviderFallback(modelPath, options, await acquireSession(modelPath, options));
  }

  /** Which provider runs now, and why those before it in the chain do not. */
  get executionProvider(): ExecutionProviderInfo {
    return this.current.handle.executionProvider;
  }

  async run(tile: (session: ort.InferenceSession) => Promise<void>): Promise<void> {
    for (;;) {
      const { active } = this.current.handle.executionProvider;
      try {
        return await tile(this.current.handle.session);
      } catch (error) {
        if (active === 'cpu') throw error;
        await markProviderFailed(this.modelPath, active, gpuFailureReason(error));
        await this.current.release();
        // The chain now leaves `active` out for this model: the next provider, at last the CPU.
        this.current = await acquireSession(this.modelPath, this.options);
      }
    }
  }

  close(): Promise<void> {
    return this.current.release();
  }
}

const OUT_OF_MEMORY = /failed to allocate memory|out of memory|outofmemory|bfc_?arena|E_OUTOFMEMORY|CUDA_ERROR_OUT_OF_MEMORY/i;

/** The reason a photographer reads in the status bar and the CLI, ORT's own words after it. */
export function gpuFailureReason(error: unknown): string {
  const message = errorText(error);
  const what = OUT_OF_MEMORY.test(message) ? 'the graphics card ran out of memory' : 'the graphics card failed';
  return `${what} during a deblur, so this model no longer uses it until Unshake restarts (${firstLine(message)})`;
}

/** runTile wraps ORT's error in its own; the cause holds ORT's words. */
function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
