import type { JobSnapshot, PreloadApi } from '../../electron/common/index.js';

/**
 * Code that runs *inside* the page (serialised by Playwright), so it may use only page globals,
 * typed here by hand because the test tsconfig has no DOM lib.
 */

interface CspViolationEvent {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}

interface ShimGlobals {
  unshake?: unknown;
  __unshakeDispatch(channel: string, payload: unknown): Promise<unknown>;
  __unshakeGrantPath(fullPath: string, relativePath: string): Promise<void>;
  __unshakeReleaseImageMemory(): Promise<void>;
  __unshakeJobUpdate?: (job: JobSnapshot) => void;
  __unshakeOpenRequest?: () => void;
  __unshakeAttachPath?: (fileName: string, path: string) => void;
  __unshakeAttachFile?: (file: object, path: string) => void;
  __unshakeCspViolations?: string[];
  __unshakePendingRequests?: () => number;
  addEventListener(type: string, listener: (event: CspViolationEvent) => void): void;
}

/**
 * Builds `window.unshake` exactly as the preload does: one method per contract channel that
 * forwards (channel wire name, request) to main and returns main's IpcResult untouched, plus
 * onJobUpdate, pathForFile and releaseImageMemory. Here "main" is the `__unshakeDispatch` binding to the real services.
 * Also records CSP violations so the test can prove the UI runs under the strict policy, and
 * counts the requests still unanswered so a test can tell when the page has handled every reply.
 */
export function installPreloadShim(channels: Array<[name: string, wire: string]>): void {
  const page = globalThis as unknown as ShimGlobals;
  const listeners = new Set<(job: JobSnapshot) => void>();
  const openListeners = new Set<() => void>();
  // In Electron, webUtils.getPathForFile reads the path from the File; here the test names it:
  // for a File the test made (a drop), by that File, so two folders both named 100CANON dropped
  // together stay two; else (a File the page made: a file input), by its name.
  const paths = new Map<string, string>();
  const filePaths = new WeakMap<object, string>();
  const violations: string[] = [];
  let pending = 0;

  const api: Record<string, unknown> = {};
  for (const [name, wire] of channels) {
    api[name] = (request: unknown) => {
      pending += 1;
      // The page reacts to a reply in microtasks, which all run before the test's next evaluate:
      // a test that reads 0 knows the page has handled every reply.
      return page.__unshakeDispatch(wire, request).finally(() => (pending -= 1));
    };
  }
  api.onJobUpdate = (listener: (job: JobSnapshot) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  api.onOpenRequest = (listener: () => void) => {
    openListeners.add(listener);
    return () => {
      openListeners.delete(listener);
    };
  };
  const pathForFile: PreloadApi['pathForFile'] = (file) => {
    const path = filePaths.get(file) ?? paths.get(file.name) ?? '';
    // As the preload tells main: requests may name what the user handed over, nothing else.
    if (path) void page.__unshakeGrantPath(path, file.webkitRelativePath);
    return path;
  };
  api.pathForFile = pathForFile;
  // Electron's webFrame.clearCache: here the test's side sends the same critical pressure signal.
  api.releaseImageMemory = () => void page.__unshakeReleaseImageMemory();

  page.__unshakeJobUpdate = (job) => listeners.forEach((listener) => listener(job));
  page.__unshakeOpenRequest = () => openListeners.forEach((listener) => listener());
  page.__unshakeAttachPath = (fileName, path) => paths.set(fileName, path);
  page.__unshakeAttachFile = (file, path) => filePaths.set(file, path);
  page.__unshakeCspViolations = violations;
  page.__unshakePendingRequests = () => pending;
  page.addEventListener('securitypolicyviolation', (event) =>
    violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`),
  );
  page.unshake = Object.freeze(api);
}

interface DropGlobals {
  __unshakeAttachPath(fileName: string, path: string): void;
  __unshakeAttachFile(file: unknown, path: string): void;
  document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  DragEvent: new (type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: unknown }) => unknown;
}

export interface DropSpec {
  selector: string;
  fileName: string;
  mimeType: string;
  base64: string;
  /** Path on disk that pathForFile reports for this file, as Electron would. */
  path: string;
}

/** Drags a File built in the page over the target and drops it, like a drag from the desktop. */
export function dropFileInPage(spec: DropSpec): void {
  const page = globalThis as unknown as DropGlobals;
  const target = page.document.querySelector(spec.selector);
  if (!target) throw new Error(`drop target ${spec.selector} not found`);
  const bytes = Uint8Array.from(atob(spec.base64), (char) => char.charCodeAt(0));
  const transfer = new page.DataTransfer();
  const file = new page.File([bytes], spec.fileName, { type: spec.mimeType });
  transfer.items.add(file);
  page.__unshakeAttachFile(file, spec.path);
  // By name too, for a File the page makes later of the same photo (a file input).
  page.__unshakeAttachPath(spec.fileName, spec.path);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    target.dispatchEvent(new page.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }
}
