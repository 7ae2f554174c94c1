import { describe, expect, it } from 'vitest';
import { recallSelection } from '../../../renderer/src/lib/window-memory.js';

const mask = { shapes: [{ kind: 'rect', x: 10, y: 20, width: 30, height: 40 }], feather: 4, invert: false };

describe('the selection a reloaded window remembers', () => {
  it('is the one drawn on that photo, or the whole photo when nothing was drawn', () => {
    expect(recallSelection('img_aaaaaaaa', JSON.stringify({ imageId: 'img_aaaaaaaa', mask }))).toEqual({ mask });
    expect(recallSelection('img_aaaaaaaa', JSON.stringify({ imageId: 'img_aaaaaaaa', mask: null }))).toEqual({ mask: undefined });
  });

  it('is nothing for another photo, for nothing stored, or for what is not a selection', () => {
    expect(recallSelection('img_bbbbbbbb', JSON.stringify({ imageId: 'img_aaaaaaaa', mask }))).toBeNull();
    expect(recallSelection('img_aaaaaaaa', null)).toBeNull();
    expect(recallSelection('img_aaaaaaaa', '{not json')).toBeNull();
    expect(recallSelection('img_aaaaaaaa', JSON.stringify({ imageId: 'img_aaaaaaaa', mask: { shapes: [{ kind: 'star' }] } }))).toBeNull();
  });
});
