import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFormat } from '../../../electron/common/settings-schema.js';
import { toErrorInfo, UnshakeError } from '../errors.js';
import { defaultOutputPath } from '../image/encode.js';
import { resolveOutputFormat, type WritableFormat } from '../image/formats.js';
import { photoOfResult } from '../image/photo-files.js';
import { probeImage } from '../image/probe.js';
import { deblurFile, type DeblurFileOptions, type DeblurFileResult } from '../infer/deblur-file.js';
import { formatBytes } from './args.js';
import { reportStaleTempFiles } from './deblur-batch.js';
import { doneRecord, failedRecord, stoppedRecord, summaryJson } from './deblur-json.js';
import { outWithExtension } from './deblur-output-checks.js';
import { printError } from './error-line.js';
import { withInterruptCleanup, writeStdout, type InterruptOptions } from './interrupt-cleanup.js';
import { describeProvider, printable } from './terminal-text.js';

export interface OnePhotoOptions {
  out: string | undefined;
  overwrite: boolean;
  format: OutputFormat | undefined;
  /** Model, strength, region, suffix, quality, tile size, pixel limit… as the options gave them. */
  deblur: Omit<DeblurFileOptions, 'outPath' | 'outPathIsDefault' | 'format' | 'overwrite' | 'signal' | 'onOutPath'>;
}

export interface OnePhotoOutput {
  noteQuality: (formats: WritableFormat[]) => void;
  /** A line for people: stdout, or stderr under --json. */
  say: (line: string) => void;
  json: boolean;
}

/**
 * The command's own failures, whichever photo it is given: the model it names is not there or
 * cannot be used. Everything else that goes wrong from here on is the photo's (it cannot be read,
 * is too large, the region misses it, its result cannot be written), as in a batch.
 */
const COMMAND_CODES = new Set(['MODEL_NOT_FOUND', 'MODEL_INVALID']);

/**
 * `deblur photo.jpg`: one photo, its result under --out or a free name beside it. Under --json a
 * photo that fails is a "failed" record in the summary, as it would be in a batch, so a script
 * deblurring photos one at a time reads JSON for each; the exit code is 1 all the same.
 */
export async function deblurOnePhoto(input: string, options: OnePhotoOptions, output: OnePhotoOutput): Promise<number> {
  // A result given by itself is deblurred again as asked (a batch would leave it out): said, so a
  // script looping over *.jpg sees it is redoing its own results.
  const again = await resultAgainNote(input, options.deblur.suffix);
  if (again) note(printable(again));
  let result: DeblurFileResult;
  try {
    result = await deblurIt(input, options, output);
  } catch (error) {
    if (!output.json || COMMAND_CODES.has(toErrorInfo(error).code)) throw error;
    printError(error);
    console.log(summaryJson([failedRecord(input, error)]));
    return 1;
  }
  // What the result leaves out (other pages, an extra channel, float highlights, an HDR gain map).
  for (const line of result.notes) note(line);
  output.say(`wrote ${result.outPath} (${formatBytes(result.bytes)}, ${result.width}×${result.height}) in ${result.seconds.toFixed(2)} s, ${result.tiles} tile(s)`);
  output.say(`model: ${result.model.id} — ${printable(result.model.name)}${result.model.placeholder ? ' (placeholder: not a trained deblurrer)' : ''}`);
  output.say(`execution provider: ${describeProvider(result.executionProvider)}`);
  if (output.json) console.log(summaryJson([doneRecord(input, again ? { ...result, notes: [again, ...result.notes] } : result)]));
  return 0;
}

const note = (line: string) => process.stderr.write(`note: ${line}\n`);

async function resultAgainNote(input: string, suffix: string | undefined): Promise<string | null> {
  const photo = await photoOfResult(input, suffix === undefined ? {} : { suffix }).catch(() => null);
  if (!photo) return null;
  const where = path.dirname(photo) === path.dirname(path.resolve(input)) ? 'beside it' : 'in the folder above';
  return `${path.basename(input)} is a result of ${path.basename(photo)} ${where}; deblurring it again.`;
}

async function deblurIt(input: string, options: OnePhotoOptions, { noteQuality, json }: OnePhotoOutput): Promise<DeblurFileResult> {
  const { out, overwrite, format, deblur } = options;
  // Before anything reads the file: a FIFO or a folder gets a clear refusal, not a hang.
  const { meta } = await probeImage(input, { maxMegapixels: deblur.maxMegapixels, limitAdvice: deblur.limitAdvice });
  // The same default as deblurFile's, decided here so Ctrl-C knows which temp files are ours.
  const requested = format ?? 'same';
  // "Same" is what the photo is, not what it is named, as the app's Save names it: a PNG named x.jpg gives x-unshaken.png.
  const written = resolveOutputFormat(meta.format ?? '', requested);
  let outPath = path.resolve(out !== undefined ? await outWithExtension(out, written, note) : defaultOutputPath(input, deblur.suffix, written));
  // As the encoder will decide it: from --format, --out's extension, or the photo's own format.
  noteQuality([resolveOutputFormat(meta.format ?? '', requested, outPath)]);
  // Said in the command line's words (the engine's message speaks for the app's dialogs).
  const exists = out !== undefined && outPath !== path.resolve(input) && (await stat(outPath).then((s) => s.isFile(), () => false));
  if (exists && !overwrite) {
    throw new UnshakeError('OUTPUT_EXISTS', `${outPath} already exists: choose another --out, or add --overwrite to replace it.`);
  }
  // --overwrite replaces the file the user named, never one whose name was made up for them.
  if (exists && path.resolve(out!) !== outPath) {
    throw new UnshakeError('OUTPUT_EXISTS', `${outPath} already exists, and --overwrite replaces only the file --out names (${out}): name ${path.basename(outPath)} in --out to replace it.`);
  }
  // A deblur killed mid-write (SIGKILL, a power cut) left its temp files: those of gone processes go.
  await reportStaleTempFiles([path.dirname(outPath)], note);
  const fileOptions: DeblurFileOptions = {
    ...deblur,
    outPath,
    outPathIsDefault: out === undefined,
    format,
    overwrite,
    onTileSizeRaised: ({ requested, used, margin }) => {
      process.stderr.write(
        `note: --tile-size ${requested} raised to ${used} px: this model needs ${margin} px of context on each side of a tile, so smaller tiles would spend most of their work on overlap.\n`,
      );
    },
    onProgress: ({ tile, tiles }) => {
      process.stderr.write(`deblur: tile ${tile}/${tiles} (${Math.round((100 * tile) / tiles)} %)\n`);
      if (tile === tiles) process.stderr.write(`deblur: saving ${outPath}\n`);
    },
  };
  // Stopped by a signal under --json: the summary still comes, the photo "stopped".
  const onExit: InterruptOptions['onExit'] = (stop) => writeStdout(`${summaryJson([stoppedRecord(input, stop)], stop.signal)}\n`);
  return withInterruptCleanup(
    outPath,
    ({ signal, watch }) =>
      deblurFile(input, {
        ...fileOptions,
        signal,
        onOutPath: (moved) => {
          // Another run took the default name meanwhile (two deblurs of one photo at once).
          process.stderr.write(`note: ${path.basename(outPath)} was taken meanwhile; saving as ${moved}\n`);
          watch(moved);
          outPath = moved;
        },
      }),
    json ? { onExit } : {},
  );
}
