import { describe, expect, it } from 'vitest';
import { panelProgress, type FineTuneProgress } from '../../../model/src/train/fine-tune-progress.js';
import type { TrainEvent } from '../../../model/src/train/trainer.js';

describe('the panel progress of a resumed run', () => {
  it('starts the bar at the step it resumed from', () => {
    const seen: FineTuneProgress[] = [];
    const { onEvent } = panelProgress((p) => seen.push(p));
    // The event as the trainer emits it: the step and the run's settings (only `steps` matters here).
    onEvent({ type: 'resumed', step: 4, steps: 10 } as Extract<TrainEvent, { type: 'resumed' }>);
    expect(seen.at(-1)).toMatchObject({ stage: 'Resumed at step 4', fraction: 0.4 });
  });
});
