import type { ModelInfo } from '../../../electron/common/index.js';

/**
 * A model's name short enough for the toolbar and notices: up to its first parenthesis
 * ("Unshake base (Improved-DeblurGAN, CPU-trained)" → "Unshake base"); the full name and the
 * description belong in a tooltip. Placeholder weights are flagged unless the name says so.
 */
export function modelLabel(model: Pick<ModelInfo, 'name' | 'placeholder'>): string {
  const short = model.name.split(' (')[0] || model.name;
  return model.placeholder && !/placeholder/i.test(short) ? `${short} (placeholder)` : short;
}
