import type { z } from 'zod';
import {
  CHANNEL_NAMES,
  ipcContract,
  type ChannelName,
  type IpcParsedRequest,
  type IpcResponse,
  type IpcResult,
} from '../../common/ipc-contract.js';
import { toErrorInfo, UnshakeError } from '../../../model/src/errors.js';

export type IpcHandlerMap = { [K in ChannelName]: (req: IpcParsedRequest<K>) => Promise<IpcResponse<K>> };
export type IpcDispatch = (channel: string, payload: unknown) => Promise<IpcResult<unknown>>;

/** Both the wire name ('image:open') and the contract key ('openImage') find a channel. */
const CHANNEL_LOOKUP = new Map<string, ChannelName>(
  CHANNEL_NAMES.flatMap((name) => [
    [ipcContract[name].channel, name],
    [name, name],
  ]),
);

/** "mask.shapes.0.width: Too small" — short enough for a status bar, precise enough to fix. */
function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * The one gate between an untrusted payload and a service: look up the channel, validate the
 * request, run the handler, validate its reply. It never throws: every outcome is an IpcResult.
 */
export function createIpcDispatcher(handlers: IpcHandlerMap): IpcDispatch {
  return async (channel, payload) => {
    const name = typeof channel === 'string' ? CHANNEL_LOOKUP.get(channel) : undefined;
    if (!name) return failure('INVALID_REQUEST', `Unknown IPC channel: ${String(channel).slice(0, 100)}`);
    const contract = ipcContract[name];
    const request = contract.request.safeParse(payload);
    if (!request.success) {
      return failure('INVALID_REQUEST', `Invalid ${contract.channel} request: ${describeZodError(request.error)}`);
    }
    try {
      const handler = handlers[name] as (req: unknown) => Promise<unknown>;
      const value = await handler(request.data);
      const response = contract.response.safeParse(value);
      if (!response.success) {
        console.error(`[ipc] ${contract.channel} broke its response contract:`, describeZodError(response.error));
        return failure('INTERNAL', `The app produced an invalid ${contract.channel} reply.`);
      }
      return { ok: true, value: response.data };
    } catch (error) {
      if (!(error instanceof UnshakeError)) console.error(`[ipc] ${contract.channel} failed:`, error);
      return { ok: false, error: toErrorInfo(error) };
    }
  };
}

function failure(code: 'INVALID_REQUEST' | 'INTERNAL', message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}
