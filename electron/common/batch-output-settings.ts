import type { Settings } from './settings-schema.js';

/**
 * The settings that shape a batch's result files. Run again and Resume keep the batch's own, so
 * every photo of it comes out alike (same format, quality, place and name).
 */
export const BATCH_OUTPUT_SETTINGS = ['outputFormat', 'jpegQuality', 'outputSuffix', 'batchResults'] as const satisfies readonly (keyof Settings)[];

/**
 * The settings a batch run again (or resumed) runs with: its output settings, and today's for the
 * rest. Those are this machine's: the graphics card or processor, and the largest-photo limit,
 * which guards memory and does not change a result (a photo it refused is raised past, then run
 * again, as its message advises).
 */
export function settingsForRerun(batch: Settings, today: Settings): Settings {
  const kept = Object.fromEntries(BATCH_OUTPUT_SETTINGS.map((key) => [key, batch[key]]));
  return { ...today, ...kept };
}
