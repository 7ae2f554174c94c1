import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../electron/common/index.js';
import { pickerModels } from '../../../renderer/src/lib/model-label.js';

const model = (id: string, placeholder = false, aliasOf?: string): ModelInfo => ({
  id,
  name: id,
  placeholder,
  description: '',
  parameters: 1,
  source: id.startsWith('my-') ? 'user' : 'bundled',
  sizeMultiple: 4,
  ...(aliasOf ? { aliasOf } : {}),
});

// As the library lists them with the trained base model shipped.
const SHIPPED = [model('base', false, 'unshake-base'), model('placeholder', true), model('unshake-base'), model('my-camera')];
const ids = (models: readonly ModelInfo[]) => models.map((m) => m.id);

describe('the toolbar’s model menu', () => {
  it('offers each model once: the Base model alias, not the bundled model it runs again, and no placeholder weights', () => {
    expect(ids(pickerModels(SHIPPED, 'base'))).toEqual(['base', 'my-camera']);
    expect(ids(pickerModels(SHIPPED, 'my-camera'))).toEqual(['base', 'my-camera']);
  });

  it('always lists the model in use (a result shown again, or settings naming it)', () => {
    expect(ids(pickerModels(SHIPPED, 'unshake-base'))).toEqual(['base', 'unshake-base', 'my-camera']);
    expect(ids(pickerModels(SHIPPED, 'placeholder'))).toEqual(['base', 'placeholder', 'my-camera']);
  });

  it('with only the placeholder shipped, the Base model alias is it, listed once, also beside a fine-tuned model', () => {
    expect(ids(pickerModels([model('base', true, 'placeholder'), model('placeholder', true)], 'base'))).toEqual(['base']);
    // A fine-tune may start from it again: the user's own models do not hide it.
    expect(ids(pickerModels([model('base', true, 'placeholder'), model('placeholder', true), model('my-camera')], 'my-camera'))).toEqual(['base', 'my-camera']);
  });
});
