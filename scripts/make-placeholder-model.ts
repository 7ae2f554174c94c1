import path from 'node:path';
import { fileURLToPath } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import { modelManifestSchema } from '../model/src/models/manifest.js';
import { buildPlaceholderOnnx, placeholderManifest, PLACEHOLDER_ID } from '../model/src/models/placeholder-model.js';

/** `npm run make:placeholder`: (re)writes model/weights/placeholder.onnx + its manifest. Deterministic. */
const weightsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../model/weights');
const onnx = buildPlaceholderOnnx();
const manifest = modelManifestSchema.parse(placeholderManifest(onnx));
const onnxPath = path.join(weightsDir, `${PLACEHOLDER_ID}.onnx`);
const manifestPath = path.join(weightsDir, `${PLACEHOLDER_ID}.manifest.json`);
await writeFileAtomic(onnxPath, Buffer.from(onnx));
await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${onnxPath} (${onnx.byteLength} bytes) and ${manifestPath}`);
