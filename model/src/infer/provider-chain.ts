import { ort } from './ort.js';

/** Which execution providers a deblur may try: the user's choice, within what this build of ONNX Runtime has. */
export type EpPreference = 'auto' | 'cpu';

/** A provider as the onnxruntime-node binding lists it (ORT's own type; `bundled: false` is an add-on installed apart, CUDA on Linux). */
export type OrtBackend = ReturnType<typeof ort.listSupportedBackends>[number];

/**
 * Graphics providers, fastest first. Each binary has its own (1.30: Windows DirectML, no CUDA;
 * Linux x64 CUDA as an add-on; Linux arm64 none; macOS CoreML), so a fixed per-platform list tried
 * providers a build lacks and reported "cuda skipped: backend not found" on every Windows result,
 * as if CUDA could be made to work. WebGPU and TensorRT are listed too but not tried: unmeasured.
 */
const GRAPHICS_ORDER = ['cuda', 'dml', 'coreml'] as const;

let installed: readonly OrtBackend[] | undefined;

/** What the installed binding was built with (asked once: it cannot change in a process). */
export function installedBackends(): readonly OrtBackend[] {
  return (installed ??= ort.listSupportedBackends());
}

/** The graphics providers a deblur may try on this build, in the order tried (`bundled: false`: only if its add-on is installed). */
export function graphicsProviders(backends: readonly OrtBackend[] = installedBackends()): OrtBackend[] {
  return GRAPHICS_ORDER.flatMap((name) => backends.filter((backend) => backend.name === name));
}

export function executionProviderChain(preferred: EpPreference = 'auto', backends: readonly OrtBackend[] = installedBackends()): string[] {
  if (preferred === 'cpu') return ['cpu'];
  return [...graphicsProviders(backends).map((backend) => backend.name), 'cpu'];
}
