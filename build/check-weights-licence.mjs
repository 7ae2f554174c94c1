// A release ships the weights in model/weights to the public: their manifests' `license` must allow
// it. The base weights were trained on data of unknown or research-only licence (see their manifest
// and MODEL_CARD.md), so a signed release stops until they are replaced or the rights obtained and
// the manifest says so. A try-out package (`npm run package`) is not a publication and goes on.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const RESEARCH_ONLY = /research use only/i;

/** The bundled manifests whose licence says the weights are for research use only, with it. */
export function researchOnlyWeights(projectDir) {
  const dir = path.join(projectDir, 'model', 'weights');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.manifest.json'))
    .map((name) => ({ file: path.join(dir, name), license: String(JSON.parse(readFileSync(path.join(dir, name), 'utf8')).license ?? '') }))
    .filter((manifest) => RESEARCH_ONLY.test(manifest.license));
}
