import { FINAL_TRAINING_STAGE, psnrText } from '../../../electron/common/training.js';
import { formatDuration } from './cli-train-format.js';
import { panelDataLines, skippedFiles } from './panel-data-lines.js';
import type { TrainEvent } from './trainer.js';

export interface FineTuneProgress {
  fraction: number;
  stage: string;
  /** What stays true for the run: the backend, the data, the latest held-out scores. */
  detail: string[];
}

/**
 * The panel's progress from the trainer's events: a stage line that changes, and detail lines
 * (backend, data, scores) that stay. `skipped` is kept for the error a run may end with.
 */
export function panelProgress(onProgress: (progress: FineTuneProgress) => void) {
  const lines = { backend: '', data: '', note: '', skipped: '', scores: '' };
  // The data event says it first (a resumed run's too); the scores line and the outcome follow it.
  let heldOut = true;
  let skipped: string[] = [];
  let fraction = 0;
  let stage = '';
  const report = (next: string = stage) => {
    stage = next;
    onProgress({ fraction, stage, detail: Object.values(lines).filter(Boolean) });
  };

  const onEvent = (e: TrainEvent) => {
    if (e.type === 'checking') {
      report(`Checking the photos: ${e.checked} of ${e.total}${e.what === 'pairs' ? ' pairs' : ''}`);
    } else if (e.type === 'data') {
      skipped = skippedFiles(e.report);
      heldOut = e.heldOut;
      ({ data: lines.data, note: lines.note, skipped: lines.skipped } = panelDataLines(e));
      report('Measuring the starting model');
    } else if (e.type === 'validation') {
      lines.scores = `${heldOut ? 'Held-out PSNR' : 'PSNR on the training photos themselves'}: blurred ${psnrText(e.input.psnr)}, starting model ${e.base.psnr.toFixed(2)} dB, now ${e.current.psnr.toFixed(2)} dB (step ${e.step})`;
      // The step line stays (with its time left); only the scores change.
      report(e.step === 0 ? 'Training' : undefined);
    } else if (e.type === 'resumed') {
      // The bar starts where the run is, not at 0 until its next step (minutes on a processor).
      fraction = Math.min(1, e.step / e.steps);
      report(`Resumed at step ${e.step}`);
    } else if (e.type === 'step') {
      fraction = Math.min(1, e.step / e.total);
      const left = Number.isFinite(e.etaSeconds) && e.step < e.total ? ` · about ${formatDuration(e.etaSeconds)} left` : '';
      report(e.step < e.total ? `Step ${e.step} of ${e.total}${left}` : FINAL_TRAINING_STAGE);
    } else if (e.type === 'checkpoint' && e.reason === 'cancel') {
      report(`Stopped at step ${e.step}; saved to resume later`);
    }
  };

  return {
    report,
    onEvent,
    setBackend: (text: string) => {
      lines.backend = text;
    },
    skipped: () => skipped,
  };
}
