import { describe, expect, it } from 'vitest';
import { childFailure } from '../../../model/src/eval/bench-run-child.js';

/** What the bench says of a child process that failed: one line, never its stack or a backend's warnings. */
describe('childFailure', () => {
  it('takes the error line from a stderr with warnings before it and a stack after it (the WebGPU child without VGG weights)', () => {
    const stderr = [
      'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
      'UnshakeError: The VGG19 weights for the perceptual loss are missing: no model.json in /x/vgg19-block3.',
      '    at loadVgg (/repo/model/src/train/vgg.ts:53:11)',
      '    at async main (/repo/model/src/eval/bench-train-child.ts:27:18)',
    ].join('\n');
    expect(childFailure({ stderr, code: 1 })).toBe('The VGG19 weights for the perceptual loss are missing: no model.json in /x/vgg19-block3.');
  });

  it('says how the process ended when it printed nothing (a native crash)', () => {
    expect(childFailure({ stderr: '', code: null, signal: 'SIGSEGV' })).toBe('its process was stopped by SIGSEGV');
    expect(childFailure({ stderr: '', code: 134 })).toBe('its process ended with exit code 134');
    expect(childFailure({ stderr: 'Killed\n' })).toBe('Killed');
  });
});
