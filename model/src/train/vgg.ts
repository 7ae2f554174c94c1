import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import { defaultVggDir } from './vgg-dir.js';

/**
 * VGG19 conv3_3 features for the perceptual loss, from the TF.js layers model in
 * ../shared/weights/vgg19-block3 (the packaged app passes its resources copy). Loaded through
 * a file IOHandler so it works on the pure-JS backend without tfjs-node's file:// support.
 */
export interface VggFeatures {
  /** [N, H, W, 3] in [-1, 1] RGB → conv3_3 (+ReLU) features [N, H/4, W/4, 256]. */
  features(x: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];
const FEATURE_LAYER = 'block3_conv3';

interface ModelJson {
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  weightsManifest: tf.io.WeightsManifestConfig;
}

function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
      const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(dir, p))));
      const total = shards.reduce((n, s) => n + s.byteLength, 0);
      const weightData = new Uint8Array(total);
      let at = 0;
      for (const s of shards) {
        weightData.set(s, at);
        at += s.byteLength;
      }
      return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: weightData.buffer };
    },
  };
}

export async function loadVgg(dir = defaultVggDir()): Promise<VggFeatures> {
  let full: tf.LayersModel;
  try {
    await readFile(path.join(dir, 'model.json'));
  } catch {
    throw new UnshakeError(
      'MODEL_NOT_FOUND',
      `The VGG19 weights for the perceptual loss are missing: no model.json in ${dir}. Point the trainer at the vgg19-block3 folder (--vgg DIR) or turn the perceptual loss off (--perceptual 0).`,
    );
  }
  try {
    full = await tf.loadLayersModel(fileHandler(dir));
  } catch (error) {
    throw new UnshakeError('MODEL_INVALID', `The VGG19 weights in ${dir} could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  const model = tf.model({ inputs: full.inputs, outputs: full.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor });
  model.trainable = false;
  const mean = tf.tensor1d(CAFFE_MEAN_BGR);
  return {
    features(x) {
      // Keras 'caffe' preprocessing: 0–255, RGB → BGR, minus the ImageNet means (no scaling).
      const bgr = tf.reverse(tf.mul(tf.add(x, 1), 127.5), 3);
      return model.apply(tf.sub(bgr, mean)) as tf.Tensor4D;
    },
    dispose() {
      full.dispose();
      mean.dispose();
    },
  };
}
