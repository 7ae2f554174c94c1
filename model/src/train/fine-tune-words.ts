import { UnshakeError } from '../errors.js';
import type { BackendChoice } from './backend.js';
import { namedFew } from '../../../electron/common/named-few.js';

/**
 * The trainer's messages are written for the command line ("see the report above", flags); the
 * panel has no report above and no flags, so they are said in its words.
 */
export function inPanelWords(error: unknown, skipped: readonly string[]): unknown {
  if (!(error instanceof UnshakeError)) return error;
  const reasons = skipped.length ? `: ${namedFew(skipped, 3, { separator: '; ', beforeMore: '; and ' })}` : '';
  const message = error.message
    .replace(' (see the report above)', reasons)
    .replace(/resume it with --resume --out \S+ or choose another name/, 'resume or discard it under Interrupted runs, or choose another name')
    .replace(/continue with --resume --out [a-z0-9._-]*[a-z0-9]/, 'resume it under Interrupted runs')
    // The id and the library's folder are the command line's business: the panel names the model.
    .replace(/^A model with the id "[^"]+" \("(.+)"\) is already in the library in .+?; choose another name/, 'A model called “$1” is already in your models (this name would replace it); choose another name')
    .replace(/ \(--out NAME on the command line\)/g, '')
    .replace(/ \(--(sharp|pairs)\)/g, '')
    // The panel always trains with the critic: it cannot turn it off.
    .replace(/, or train without the critic: --adversarial 0/, '')
    // The panel's user can neither point at another folder nor pass flags: the weights ship with the app.
    .replace(
      / Point the trainer at the vgg19-block3 folder \(--vgg DIR\) or turn the perceptual loss off \(--perceptual 0\)\./,
      ' Unshake’s installation is incomplete: reinstall it, or set Advanced › Perceptual loss weight to 0 to train without them.',
    )
    .replace(/--crop (\d+)/g, '$1 px');
  return message === error.message ? error : new UnshakeError(error.code, message, { cause: error });
}

/** Where the run trains, for a photographer (the CLI prints the backend's name and every skip reason). */
export function plainBackend(b: Pick<BackendChoice, 'name' | 'adapter' | 'software'>): string {
  switch (b.name) {
    case 'tensorflow-gpu':
      return 'Training on the graphics card (TensorFlow with CUDA).';
    case 'webgpu':
      return b.software
        ? `Training on the processor through a software graphics driver (${b.adapter ?? 'WebGPU'}): about 10 s a step at 64 px on a two-core processor; a graphics card is much faster.`
        : `Training on the graphics card (WebGPU on ${b.adapter ?? 'the GPU'}).`;
    case 'tensorflow':
      return 'Training on the processor (native TensorFlow).';
    case 'cpu':
      return 'Training on the processor in plain JavaScript: about a minute a step at 64 px on a two-core processor; a graphics card, or the native TensorFlow package, is much faster.';
  }
}

/** A few words for the finished run's line ("3 steps on the graphics card (WebGPU)"). */
export function plainBackendName(b: Pick<BackendChoice, 'name' | 'software'>): string {
  if (b.name === 'tensorflow-gpu') return 'the graphics card (TensorFlow with CUDA)';
  if (b.name === 'webgpu') return b.software ? 'the processor (WebGPU, software driver)' : 'the graphics card (WebGPU)';
  return b.name === 'tensorflow' ? 'the processor (native TensorFlow)' : 'the processor (JavaScript)';
}
