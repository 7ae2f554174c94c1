import { dialog, type BrowserWindow } from 'electron';

/**
 * Closing the window (which quits) while a training run is under way asks first: quitting stops
 * the run after its current step, which without a graphics card can take a minute, and keeps a
 * checkpoint the Fine-tune panel resumes.
 */
export function askBeforeClosingDuringTraining(window: BrowserWindow, trainingUnderWay: () => boolean): void {
  let confirmed = false;
  window.on('close', (event) => {
    if (confirmed || !trainingUnderWay()) return;
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Stop training and quit', 'Keep training'],
      defaultId: 1,
      cancelId: 1,
      message: 'A training run is in progress.',
      detail:
        'Quitting stops it after the step it is on and keeps a checkpoint: resume it from the Fine-tune panel next time. ' +
        'Without a graphics card that step can take a minute, and Unshake finishes it before it closes.',
    });
    if (choice === 0) confirmed = true;
    else event.preventDefault();
  });
}
