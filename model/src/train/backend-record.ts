import * as tf from '@tensorflow/tfjs';
import { isCpuBound, lastBackendChoice, type BackendChoice } from './backend.js';
import { plainBackendName } from './fine-tune-words.js';

/**
 * Where one training session ran, for training.json. TF.js's own name says too little: WebGPU on
 * a software driver and on a graphics card are both "webgpu", native TensorFlow with and without
 * CUDA both "tensorflow".
 */
export interface BackendRecord {
  /** The trainer's backend: 'tensorflow-gpu', 'webgpu', 'tensorflow' or 'cpu'. */
  name: string;
  /** In words: "the processor (WebGPU, software driver)". */
  plain: string;
  gpu: boolean;
  /** The step this session started from: 0, or where a resumed run went on. */
  fromStep: number;
}

/** The backend TF.js runs on now, as loadBestBackend chose it (or as TF.js names it, when it was set another way). */
export function recordBackend(fromStep: number): BackendRecord {
  const running = tf.getBackend();
  const chosen = lastBackendChoice();
  const choice: Pick<BackendChoice, 'name' | 'software'> =
    chosen && tfNameOf(chosen.name) === running ? chosen : { name: running === 'tensorflow' || running === 'webgpu' ? running : 'cpu' };
  return { name: choice.name, plain: plainBackendName(choice), gpu: !isCpuBound(choice), fromStep };
}

const tfNameOf = (name: BackendChoice['name']): string => (name === 'tensorflow-gpu' ? 'tensorflow' : name);
