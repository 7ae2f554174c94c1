import * as tf from '@tensorflow/tfjs';

/**
 * Picks the fastest TF.js backend that works here, fastest first, and records why each faster
 * one was skipped so the CLI and the training panel can tell the user. The native packages are
 * optional (their install downloads libtensorflow, or a platform binary), so every one is a guarded
 * dynamic import: "not installed" is a skip reason, never a crash.
 * A *software* WebGPU adapter (Mesa lavapipe, SwiftShader) is not a GPU, but measured here it
 * trains ≈ 7× faster than the pure-JS CPU backend (docs/bench.md), so when native CPU TensorFlow
 * is missing it is tried again just before the pure-JS backend, and named as software.
 */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'cpu';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason: string | null;
}

export interface BackendChoice {
  name: BackendName;
  /** The WebGPU adapter, when name is 'webgpu' ("lavapipe …", "NVIDIA …"). */
  adapter?: string;
  /** True when that adapter is a software renderer running on the CPU. */
  software?: boolean;
  tried: BackendAttempt[];
  /** Set for slow backends: say so before a long run. */
  warning: string | null;
}

export interface BackendOptions {
  /** Try only these, in this order (default: all four, fastest first). */
  candidates?: BackendName[];
  /**
   * Software WebGPU adapters (lavapipe, SwiftShader): 'fallback' (default) tries one only after the
   * native CPU backend failed, 'accept' takes it in WebGPU's place, 'refuse' never uses one.
   */
  softwareAdapter?: 'fallback' | 'accept' | 'refuse';
  /**
   * The app's graphics-card setting off ('cpu'): no backend that runs on a graphics card (CUDA,
   * WebGPU on a hardware adapter), each skipped with that reason; WebGPU's software renderer runs
   * on the processor and stays.
   */
  processorOnly?: boolean;
  /** Why `processorOnly` skips a backend, in the caller's words (the CLI's --cpu); default PROCESSOR_ONLY_REASON. */
  processorOnlyReason?: string;
}

/** The skip reason the CLI and the panel show when the setting keeps training off the graphics card. */
export const PROCESSOR_ONLY_REASON = 'not used: the graphics-card setting says to use the processor';

const ORDER: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'];
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|basic render/i;
const SOFTWARE_WARNING =
  'Training on WebGPU over a software renderer (the CPU emulates the GPU): faster than the pure JavaScript backend, ' +
  'but tens of seconds per batch-4 step of the base generator at 64². A GPU, or @tensorflow/tfjs-node, is much faster.';
const CPU_WARNING =
  'Training on the pure JavaScript CPU backend: about 100× slower than PyTorch on the same CPU (tens of seconds ' +
  'per batch-4 step of the base generator at 64²). Install @tensorflow/tfjs-node, or use a GPU, for real runs.';

/** Import a package by a runtime name so a missing optional dependency is a catchable error. */
async function optionalImport(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(`${specifier} is not installed`, { cause: error });
    throw new Error(`${specifier} failed to load: ${(error as Error).message}`, { cause: error });
  }
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

async function tryNativeGpu(): Promise<void> {
  await optionalImport('@tensorflow/tfjs-node-gpu');
  await activate('tensorflow');
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { description?: string; device?: string; vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<GpuAdapterLike | null>;
}

class SoftwareAdapterError extends Error {}

/**
 * One Dawn instance and adapter per process. TF.js keeps the device it made from the first
 * navigator.gpu; a second create() used to replace it, leaving the instance under that live
 * device unreferenced, and its garbage collection killed the process (seen under load when one
 * process trained twice, as the utility process and the test workers do).
 */
let dawnAdapter: Promise<{ gpu: GpuLike; adapter: GpuAdapterLike | null }> | null = null;

async function openDawn(): Promise<{ gpu: GpuLike; adapter: GpuAdapterLike | null }> {
  const dawn = await optionalImport('webgpu');
  const create = dawn.create as ((flags: string[]) => GpuLike) | undefined;
  if (typeof create !== 'function') throw new Error('the webgpu package has no create() export');
  // The TF.js backend looks for WebGPU constants (GPUBufferUsage, ...) and navigator.gpu globally.
  Object.assign(globalThis, (dawn.globals as object | undefined) ?? {});
  const gpu = create([]);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
}

/** Sets up WebGPU through Dawn; returns the adapter's label and whether it is software. */
async function tryWebGpu(allowSoftware: boolean, allowHardware = true, processorOnlyReason = PROCESSOR_ONLY_REASON): Promise<{ adapter: string; software: boolean }> {
  dawnAdapter ??= openDawn().catch((error: unknown) => {
    dawnAdapter = null; // a failed import or request may succeed later (e.g. a driver installed meanwhile)
    throw error;
  });
  const { gpu, adapter } = await dawnAdapter;
  if (!adapter) throw new Error('no WebGPU adapter (no Vulkan, Metal or D3D12 driver found)');
  const label = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.device, adapter.info?.description].filter(Boolean).join(' ');
  const software = adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(label);
  if (software && !allowSoftware) throw new SoftwareAdapterError(`only a software adapter is available (${label || 'fallback'}), not a hardware GPU`);
  if (!software && !allowHardware) throw new Error(`${label || 'a hardware adapter'}: ${processorOnlyReason}`);
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  await optionalImport('@tensorflow/tfjs-backend-webgpu');
  await activate('webgpu');
  // For people: the driver's own description ("llvmpipe: Mesa 25.0.7 …", "NVIDIA GeForce …").
  const shown = adapter.info?.description || adapter.info?.device || [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' ');
  return { adapter: shown || 'unnamed adapter', software };
}

async function tryNativeCpu(): Promise<void> {
  await optionalImport('@tensorflow/tfjs-node');
  await activate('tensorflow');
}

/** The last backend loadBestBackend started in this process: training.json records it (backend-record.ts). */
let lastChoice: BackendChoice | null = null;
export const lastBackendChoice = (): BackendChoice | null => lastChoice;

export async function loadBestBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const tried: BackendAttempt[] = [];
  const policy = options.softwareAdapter ?? 'fallback';
  let softwareSeen = false;
  // Filled by the WebGPU attempt (an object, so TypeScript does not narrow it to null).
  const found: { webgpu: { adapter: string; software: boolean } | null } = { webgpu: null };
  const gpuAllowed = options.processorOnly !== true;
  const processorOnlyReason = options.processorOnlyReason ?? PROCESSOR_ONLY_REASON;
  const attempts: Record<BackendName, () => Promise<void>> = {
    'tensorflow-gpu': gpuAllowed
      ? tryNativeGpu
      : () => {
          // Not even imported: tfjs-node-gpu would take the card's memory as it loads.
          throw new Error(processorOnlyReason);
        },
    webgpu: async () => {
      found.webgpu = await tryWebGpu(policy === 'accept', gpuAllowed, processorOnlyReason);
    },
    tensorflow: tryNativeCpu,
    cpu: () => activate('cpu'),
  };
  const order = [...(options.candidates ?? ORDER)];
  for (let i = 0; i < order.length; i++) {
    const name = order[i]!;
    try {
      await attempts[name]();
      tried.push({ name, ok: true, reason: null });
      const adapter = name === 'webgpu' ? found.webgpu : null;
      const warning = name === 'cpu' ? CPU_WARNING : adapter?.software ? SOFTWARE_WARNING : null;
      lastChoice = { name, tried, warning, ...(adapter ?? {}) };
      return lastChoice;
    } catch (error) {
      tried.push({ name, ok: false, reason: error instanceof Error ? error.message : String(error) });
      if (error instanceof SoftwareAdapterError && policy === 'fallback' && !softwareSeen) {
        softwareSeen = true;
        // Retry the software adapter just before the pure-JS backend (or last, when cpu is not a candidate).
        const cpuAt = order.indexOf('cpu', i + 1);
        order.splice(cpuAt === -1 ? order.length : cpuAt, 0, 'webgpu');
        attempts.webgpu = async () => {
          found.webgpu = await tryWebGpu(true);
        };
      }
    }
  }
  const why = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new Error(`No TF.js backend could be started (${why}).`);
}

/**
 * A backend that runs on the processor: pure JS, native TensorFlow without CUDA, or WebGPU over
 * a software renderer. The users' guide promises small crops "without a graphics card", and
 * native TensorFlow on the CPU is faster than pure JS but still no graphics card.
 */
export function isCpuBound(choice: Pick<BackendChoice, 'name' | 'software'>): boolean {
  return choice.name === 'cpu' || choice.name === 'tensorflow' || choice.software === true;
}

/**
 * Default critic width: the paper's 64, or 16 on a CPU-bound backend, where the width-64 critic
 * costs about a minute per step and 16 is 16× cheaper.
 */
export function defaultCriticWidth(choice: Pick<BackendChoice, 'name' | 'software'>): number {
  return isCpuBound(choice) ? 16 : 64;
}

/** One line for logs and the CLI: "cpu (skipped tensorflow-gpu: … not installed; …)". */
export function describeBackend(choice: BackendChoice): string {
  // WebGPU is tried on a graphics card before its software adapter: the skipped try is the card's.
  const skipped = choice.tried.filter((t) => !t.ok).map((t) => `${t.name}${t.name === choice.name ? ' on a graphics card' : ''}: ${t.reason}`);
  const name = choice.adapter ? `${choice.name} on ${choice.adapter}${choice.software ? ' (software renderer)' : ''}` : choice.name;
  return skipped.length ? `${name} (skipped ${skipped.join('; ')})` : name;
}
