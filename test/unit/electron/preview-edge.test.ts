import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_EDGE, PREVIEW_MIN_EDGE, previewEdgeFor } from '../../../electron/main/services/open-image.js';

describe('previewEdgeFor', () => {
  it('covers the screen, between the old 2048 px and a 6K screen’s 6144', () => {
    expect(previewEdgeFor(undefined)).toBe(PREVIEW_MIN_EDGE);
    expect(previewEdgeFor(1280)).toBe(2048);
    expect(previewEdgeFor(3840)).toBe(3840);
    expect(previewEdgeFor(5120)).toBe(5120);
    expect(previewEdgeFor(7680)).toBe(PREVIEW_MAX_EDGE);
  });
});
