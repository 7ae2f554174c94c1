import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../electron/common/index.js';
import { modelLabel, modelLabelFor, modelLabels } from '../../../renderer/src/lib/model-label.js';

const model = (id: string, name: string, placeholder = false): Pick<ModelInfo, 'id' | 'name' | 'placeholder'> => ({ id, name, placeholder });
const SHIPPED = [
  model('base', 'Base model — Unshake base (Improved-DeblurGAN, CPU-trained)'),
  model('placeholder', 'Placeholder (unsharp, untrained)', true),
  model('unshake-base', 'Unshake base (Improved-DeblurGAN, CPU-trained)'),
];

describe('model labels in the menu and on job cards', () => {
  it('shortens a name at its first parenthesis when no other model reads the same', () => {
    expect([...modelLabels(SHIPPED).values()]).toEqual(['Base model — Unshake base', 'Placeholder', 'Unshake base']);
    expect(modelLabel(model('street', 'Street (50 mm)'))).toBe('Street');
    expect(modelLabel(model('tiny', 'Tiny (test)', true))).toBe('Tiny (placeholder)');
  });

  it('never gives two models one label: fine-tunes named after their folders keep their full names', () => {
    const models = [...SHIPPED, model('night-tripod', 'Night (tripod)'), model('night-handheld', 'Night (handheld)'), model('street', 'Street (50 mm)')];
    expect(modelLabelFor('night-tripod', models)).toBe('Night (tripod)');
    expect(modelLabelFor('night-handheld', models)).toBe('Night (handheld)');
    // Only those that would collide: the others stay short.
    expect(modelLabelFor('street', models)).toBe('Street');
    expect(modelLabelFor('unshake-base', models)).toBe('Unshake base');
    // A plain "Night" beside "Night (tripod)": each as named, in any case.
    const plain = [model('night', 'night'), model('night-tripod', 'Night (tripod)')];
    expect([...modelLabels(plain).values()]).toEqual(['night', 'Night (tripod)']);
    // Two of one full name (a copy renamed in its manifest id only): the id tells them apart.
    const twins = [model('crop-a', 'Crop (v2)'), model('crop-b', 'Crop (v2)'), model('crop-c', 'Crop', true)];
    expect([...modelLabels(twins).values()]).toEqual(['Crop (v2) (crop-a)', 'Crop (v2) (crop-b)', 'Crop (placeholder)']);
    for (const list of [models, plain, twins]) expect(new Set(modelLabels(list).values()).size).toBe(list.length);
  });
});
