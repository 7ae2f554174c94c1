import { stat } from 'node:fs/promises';
import os from 'node:os';
import type ort from 'onnxruntime-node';
import type { ModelManifest } from '../models/manifest.js';
import { createSession, validateAgainstManifest, type SessionHandle } from './session-create.js';
import { executionProviderChain, type EpPreference } from './provider-chain.js';

export { checkModelLoads, type SessionHandle } from './session-create.js';
export { executionProviderChain, type EpPreference } from './provider-chain.js';

/**
 * One lazily created ORT session per (model file and its contents, EP chain), reused across calls.
 * The chain is the providers this build of ONNX Runtime has (provider-chain.ts); one that fails to
 * initialise is recorded with ORT's reason and the next one is tried, so every result can say
 * which EP ran and why.
 */
const cache = new Map<string, Promise<SessionHandle>>();
/** The file identity each model path was last opened with: a changed file supersedes the old one. */
const identityByPath = new Map<string, string>();
/**
 * Providers whose libraries failed to load in this process, with ORT's reason: that cannot change
 * until a restart, so later chains skip them. Without this 'auto' (which fell back to CPU) and
 * 'cpu' built two identical CPU sessions, each with its own ~400 MB arena.
 */
const unloadable = new Map<string, string>();
/**
 * Providers that loaded but then failed a run of a model (a graphics card out of memory), with the
 * reason to show, per model path: the next deblur of that model goes straight to the next provider
 * instead of failing on the same card again. Only a restart forgets it.
 */
const failedRuns = new Map<string, Map<string, string>>();

export interface SessionOptions {
  preferred?: EpPreference;
  manifest?: ModelManifest;
  /** Intra-op threads; default: every core (availableParallelism). */
  threads?: number;
  /** Where to keep ORT-optimised copies of models; absent = no disk cache. */
  optimizedCacheDir?: string;
}

export async function getSession(modelPath: string, options: SessionOptions = {}): Promise<SessionHandle> {
  const preferred = options.preferred ?? 'auto';
  const threads = options.threads ?? os.availableParallelism();
  const cacheDir = options.optimizedCacheDir;
  const full = executionProviderChain(preferred);
  const failed = failedRuns.get(modelPath);
  const loadable = () => full.filter((ep) => !unloadable.has(ep) && !failed?.has(ep));
  // The file's identity is in the key: a model re-imported or retrained under the same path is
  // a new network, not the session built from the old bytes.
  const identity = await fileIdentity(modelPath);
  const keyFor = (eps: string[]) => [eps.join('>'), threads, cacheDir ?? '', modelPath, identity].join('\u0000');
  const key = keyFor(loadable());
  let pending = cache.get(key);
  if (pending) {
    touch(pending);
  } else {
    pending = createSession(modelPath, loadable(), { threads, cacheDir }, unloadable);
    const created = pending;
    created.then((handle) => ready.set(created, handle), () => {});
    // A failed creation must not poison the cache: the next call retries (e.g. after a re-install).
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
    dropSuperseded(modelPath, identity);
    creating.add(pending);
    // Providers found unloadable while it was created: the chain that skips them is this session
    // (unless it was retired meanwhile: a released session must never be cached again).
    await pending.finally(() => creating.delete(pending!));
    if (cache.get(key) === pending && !cache.has(keyFor(loadable()))) cache.set(keyFor(loadable()), pending);
    await retireBeyond(MAX_SESSIONS, pending);
  }
  const handle = await pending;
  // Report this request's chain, in order: each provider as this session tried it, or as
  // unloadable in this process (whichever chain first found that out).
  const tried = full.flatMap((name) => {
    const own = handle.executionProvider.tried.find((t) => t.name === name);
    if (own) return [own];
    const reason = unloadable.get(name) ?? failed?.get(name);
    return reason !== undefined ? [{ name, ok: false, reason }] : [];
  });
  const reported = { ...handle, executionProvider: { ...handle.executionProvider, tried } };
  return options.manifest ? validateAgainstManifest(reported, options.manifest) : reported;
}

async function fileIdentity(file: string): Promise<string> {
  const s = await stat(file).catch(() => null);
  return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}` : 'missing';
}

/** Sessions of an older version of the same file can never be asked for again: retire them. */
function dropSuperseded(modelPath: string, identity: string): void {
  const previous = identityByPath.get(modelPath);
  identityByPath.set(modelPath, identity);
  // Same file, another chain or thread count: its sessions stay.
  if (previous === undefined || previous === identity) return;
  const stale = [...cache].filter(([k]) => {
    const parts = k.split('\u0000');
    return parts.at(-2) === modelPath && parts.at(-1) === previous;
  });
  for (const pending of new Set(stale.map(([, value]) => value))) void retire(pending);
}

/**
 * Sessions kept alive: each holds ~450 MB (weights, arena), so a photographer trying the base model
 * and a few fine-tunes grew the long-lived engine by that much per model, idle or not (2 GB
 * after four). Two cover comparing one model with another without reloading.
 */
const MAX_SESSIONS = 2;
/** Runs now using each session (useSession): a retired session is released after its last. */
const users = new Map<ort.InferenceSession, number>();
const retired = new Set<ort.InferenceSession>();
/** Sessions still being created: their creator is about to hand them out, so they are not retired. */
const creating = new Set<Promise<SessionHandle>>();
/** Each cached session once created, to be read without waiting (retireIdleSessions). */
const ready = new WeakMap<Promise<SessionHandle>, SessionHandle>();

/** Marks a cached session as the most recently used (the Map keeps insertion order). */
function touch(pending: Promise<SessionHandle>): void {
  for (const [key, value] of [...cache]) {
    if (value !== pending) continue;
    cache.delete(key);
    cache.set(key, value);
  }
}

/** Forgets the least recently used sessions beyond `max`, releasing each once no run uses it. */
async function retireBeyond(max: number, keep: Promise<SessionHandle>): Promise<void> {
  const distinct = [...new Set(cache.values())];
  const old = distinct.filter((p) => p !== keep && !creating.has(p)).slice(0, Math.max(0, distinct.length - max));
  for (const pending of old) await retire(pending);
}

/** Forgets a session, and releases it now or, if a run uses it, after that run (useSession). */
async function retire(pending: Promise<SessionHandle>): Promise<void> {
  for (const [key, value] of [...cache]) if (value === pending) cache.delete(key);
  const handle = await pending.catch(() => null);
  if (!handle) return;
  if ((users.get(handle.session) ?? 0) > 0) retired.add(handle.session);
  else await handle.session.release();
}

/**
 * Runs `work` with the session of `modelPath`, which stays usable until `work` ends even if other
 * models' sessions push it out of the cache meanwhile. The engine's way in; getSession suits tools
 * that use one or two models in turn (bench, tests).
 */
export async function useSession<T>(modelPath: string, options: SessionOptions, work: (handle: SessionHandle) => Promise<T>): Promise<T> {
  const { handle, release } = await acquireSession(modelPath, options);
  try {
    return await work(handle);
  } finally {
    await release();
  }
}

/** useSession without the callback, for a run that may change sessions midway (provider-fallback.ts). */
export async function acquireSession(modelPath: string, options: SessionOptions): Promise<{ handle: SessionHandle; release: () => Promise<void> }> {
  const handle = await getSession(modelPath, options);
  const { session } = handle;
  users.set(session, (users.get(session) ?? 0) + 1);
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    const left = (users.get(session) ?? 1) - 1;
    if (left > 0) users.set(session, left);
    else {
      users.delete(session);
      if (retired.delete(session)) await session.release();
    }
  };
  return { handle, release };
}

/**
 * A provider that failed a run of this model (not the CPU: its failure is the model's own) is left
 * out of the model's chain for the rest of this process, and its sessions of the model are retired
 * (released once no run uses them) so the card's memory is given back.
 */
export async function markProviderFailed(modelPath: string, provider: string, reason: string): Promise<void> {
  if (provider === 'cpu') return;
  const failed = failedRuns.get(modelPath) ?? new Map<string, string>();
  failed.set(provider, reason);
  failedRuns.set(modelPath, failed);
  const onIt = [...cache].filter(([key, pending]) => key.split('\u0000').at(-2) === modelPath && ready.get(pending)?.executionProvider.active === provider);
  for (const pending of new Set(onIt.map(([, value]) => value))) await retire(pending);
}

/**
 * Lets go of every cached session that no run is using, for a long-lived engine gone idle. ORT's
 * CPU arena keeps its blocks for every tile shape it has run and never shrinks them (the Node
 * binding takes no run option to), so an app engine that deblurred 12 photos of different sizes
 * held ~980 MB idle; releasing after each photo brought it to ~250 MB between photos. The next
 * deblur makes a new session (15–40 ms for the shipped model). Synchronous on purpose: called
 * from a timer, no run can be between finding a session in the cache and counting itself a user.
 */
export function retireIdleSessions(): void {
  for (const pending of new Set(cache.values())) {
    const handle = ready.get(pending);
    if (!handle || (users.get(handle.session) ?? 0) > 0) continue;
    for (const [key, value] of [...cache]) if (value === pending) cache.delete(key);
    void handle.session.release();
  }
}

/** Release every cached session (tests; the worker simply exits). */
export async function releaseSessions(): Promise<void> {
  const handles = await Promise.allSettled([...cache.values()]);
  cache.clear();
  identityByPath.clear();
  retired.clear();
  // An entry may alias another's session (a chain that skips unloadable providers): release each once.
  const sessions = new Set(handles.flatMap((h) => (h.status === 'fulfilled' ? [h.value.session] : [])));
  for (const session of sessions) await session.release();
}
