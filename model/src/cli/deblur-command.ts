import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BATCH_SUBFOLDER, DEFAULT_OUTPUT_SUFFIX, OUTPUT_FORMATS, QUALITY_RANGE, outputSuffixSchema, type OutputFormat } from '../../../electron/common/settings-schema.js';
import { UnshakeError } from '../errors.js';
import type { WritableFormat } from '../image/formats.js';
import { makeOutputFolder } from '../image/results-folder.js';
import { numberOption, onePositional, parseCommand, refuseStdio } from './args.js';
import { summaryJson, type PhotoRecord } from './deblur-json.js';
import { writeStdout, type StopSignal } from './interrupt-cleanup.js';
import { batchFormatOf, qualityNote, strengthOption } from './deblur-output-checks.js';
import { countSubfolders, photoFilesIn } from '../image/photo-files.js';
import { deblurBatch, formatBatchSummary, formatFailures, loadBatchModel, type BatchOptions } from './deblur-batch.js';
import { deblurOnePhoto } from './deblur-one-photo.js';
import { pixelLimitOption } from './pixel-limit.js';
import { selectionOption } from './selection-options.js';
import { modelsDirOption } from './terminal-text.js';

export const USAGE =
  'npm run deblur -- <in> [--out <path>] [--suffix <text>] [--model <id>] [--strength 0..1] [--region x,y,w,h]... [--ellipse x,y,w,h]... [--mask <file.json>] [--feather px] [--invert] ' +
  '[--format jpeg|png|tiff|webp] [--quality 1..100] [--overwrite] [--tile-size px] [--max-megapixels n] [--cpu] [--models-dir <folder>] [--json]\n' +
  '       npm run deblur -- <folder|photo>... [--out-dir <folder> | --subfolder <name>] [same options but --out/--overwrite]   (a batch: resumable, a failed photo fails alone)';

export async function deblurCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    {
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        'out-dir': { type: 'string' },
        subfolder: { type: 'string' },
        suffix: { type: 'string' },
        model: { type: 'string', short: 'm' },
        strength: { type: 'string', short: 's' },
        // Repeatable: each adds a shape to the selection, as a Shift-drag does in the app.
        region: { type: 'string', multiple: true },
        ellipse: { type: 'string', multiple: true },
        // Multiple only to refuse a second one in words rather than keep the last.
        mask: { type: 'string', multiple: true },
        feather: { type: 'string' },
        invert: { type: 'boolean' },
        format: { type: 'string' },
        quality: { type: 'string' },
        overwrite: { type: 'boolean' },
        'tile-size': { type: 'string' },
        'max-megapixels': { type: 'string' },
        cpu: { type: 'boolean' },
        'models-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
    },
    USAGE,
    // Suffixes start with a dash, as the default "-unshaken" does.
    ['--suffix'],
  );
  // path.resolve('') is the current folder: an unset shell variable would read as "a folder".
  if (positionals.some((p) => p.trim() === '')) throw new UnshakeError('FILE_NOT_FOUND', 'The input path is empty (an unset shell variable?): name a photo file.');
  for (const p of positionals) refuseStdio('deblur', p, 'in');
  refuseStdio('--out', values.out, 'out');
  refuseStdio('--out-dir', values['out-dir'], 'out');
  const format = parseFormat(values.format);
  const shared = {
    modelId: values.model,
    ...suffixOption(values.suffix),
    // Fine-tuned models from `npm run train` (and the app) are found here.
    userModelsDir: await modelsDirOption(values['models-dir']),
    strength: strengthOption(values.strength),
    mask: await selectionOption(values),
    quality: numberOption('quality', values.quality, { ...QUALITY_RANGE, integer: true }),
    // Asked for: written as given, even below a JPEG photo's own quality (which the default 95 keeps).
    exactQuality: values.quality !== undefined,
    tileSize: numberOption('tile-size', values['tile-size'], { min: 16, max: 8192, integer: true }),
    ...pixelLimitOption(values['max-megapixels']),
    preferredProvider: values.cpu ? ('cpu' as const) : ('auto' as const),
  };
  const subfolder = subfolderName(values.subfolder);
  // --json: stdout holds the summary only; the lines for people go to stderr.
  const json = values.json ?? false;
  const say = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  // PNG and TIFF are written losslessly: a quality for them would be ignored without a word.
  const noteQuality = (formats: WritableFormat[]) => {
    const line = values.quality === undefined ? null : qualityNote(formats);
    if (line) process.stderr.write(`note: ${line}\n`);
  };
  if (positionals.length > 1 || values['out-dir'] !== undefined || subfolder !== undefined || (positionals.length === 1 && (await isFolder(positionals[0]!)))) {
    if (values.out !== undefined || values.overwrite) {
      throw new UnshakeError('INVALID_REQUEST', `--out and --overwrite name one result; a batch writes photo-unshaken.* files (use --out-dir for another folder) and never replaces one.\nusage: ${USAGE}`);
    }
    if (positionals.length === 0) throw new UnshakeError('INVALID_REQUEST', `name the photos or folders to deblur.\nusage: ${USAGE}`);
    if (values['out-dir'] !== undefined && subfolder !== undefined) throw new UnshakeError('INVALID_REQUEST', `--out-dir and --subfolder both say where results go: give one.\nusage: ${USAGE}`);
    return runBatch(positionals, { outDir: values['out-dir'], subfolder, format: format === 'same' ? undefined : format, deblur: shared }, { noteQuality, say, json });
  }
  if (values.overwrite && values.out === undefined) {
    throw new UnshakeError('INVALID_REQUEST', `--overwrite replaces the file --out names; without --out the result gets a free name next to the photo and replaces nothing.\nusage: ${USAGE}`);
  }
  const input = onePositional(positionals, 'input image', USAGE);
  return deblurOnePhoto(input, { out: values.out, overwrite: values.overwrite ?? false, format, deblur: shared }, { noteQuality, say, json });
}

/** --suffix: checked by the settings' own outputSuffix rule, so the CLI names results as the app may. */
function suffixOption(value: string | undefined): { suffix?: string } {
  if (value === undefined) return {};
  const parsed = outputSuffixSchema.safeParse(value);
  if (!parsed.success) {
    const why = value === '' ? 'is empty' : (parsed.error.issues[0]?.message ?? 'is not allowed').replace(/^Too big: expected string to have <=(\d+) characters$/, 'is longer than $1 characters');
    throw new UnshakeError('INVALID_REQUEST', `--suffix "${value}" ${why}: give what a result's name adds to its photo's, e.g. --suffix -sharp (default: ${DEFAULT_OUTPUT_SUFFIX}).`);
  }
  return { suffix: parsed.data };
}

/** --subfolder: one folder name (made beside each photo), not a path. */
function subfolderName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.trim();
  // Characters no folder name may hold on Windows either, so a command works on every system.
  if (!name || name === '.' || name === '..' || /[\\/:*?"<>|\p{Cc}]/u.test(name)) {
    throw new UnshakeError('INVALID_REQUEST', `--subfolder takes a folder name to make beside each photo (e.g. Unshaken), not "${value}"; for one folder elsewhere use --out-dir.`);
  }
  return name;
}

async function isFolder(arg: string): Promise<boolean> {
  return (await stat(path.resolve(arg)).catch(() => null))?.isDirectory() ?? false;
}

interface BatchOutput {
  noteQuality: (formats: WritableFormat[]) => void;
  /** A line for people: stdout, or stderr under --json. */
  say: (line: string) => void;
  json: boolean;
}

async function runBatch(args: string[], options: Omit<BatchOptions, 'log'>, { noteQuality, say, json }: BatchOutput): Promise<number> {
  // A model that is not there or will not load fails the command once, before any photo or folder.
  await loadBatchModel(options.deblur);
  const naming = { ...(options.subfolder ? { resultsSubfolder: options.subfolder } : {}), ...(options.deblur.suffix === undefined ? {} : { suffix: options.deblur.suffix }) };
  const inputs = await photoFilesIn(args, { ...naming, onLeftOut: (note) => process.stderr.write(`note: ${note}\n`) });
  noteQuality(inputs.map((input) => batchFormatOf(input, options.format)));
  if (options.outDir) {
    const outDir = path.resolve(options.outDir);
    if ((await stat(outDir).catch(() => null))?.isDirectory() === false) throw new UnshakeError('INVALID_REQUEST', `--out-dir ${outDir} is a file, not a folder.`);
    await makeOutputFolder(outDir, '--out-dir');
  }
  const where = options.outDir ? ` into ${path.resolve(options.outDir)}` : options.subfolder ? `, each result in ${options.subfolder}/ beside its original` : ', each result next to its original';
  process.stderr.write(`batch: ${inputs.length} photo(s)${where}\n`);
  // A folder's own photos only, as in the app: photos in its subfolders are not missed without a word.
  // Results folders are not photos left out: the app's, this run's, an --out-dir among them.
  const resultsFolders = [BATCH_SUBFOLDER, ...(options.subfolder ? [options.subfolder] : []), ...(options.outDir ? [path.basename(path.resolve(options.outDir))] : [])];
  const subfolders = await countSubfolders(args, resultsFolders);
  if (subfolders > 0) process.stderr.write(`note: ${subfolders === 1 ? '1 subfolder with photos is' : `${subfolders} subfolders with photos are`} not included: name ${subfolders === 1 ? 'it' : 'them'} too to deblur ${subfolders === 1 ? 'its' : 'their'} photos.\n`);
  // Stopped by a signal: the photos done so far are still said (the process exits from within).
  const onStop = (photos: PhotoRecord[], signal: StopSignal) => writeStdout(`${summaryJson(photos, signal)}\n`);
  const summary = await deblurBatch(inputs, { ...options, log: say, ...(json ? { onStop } : {}) });
  // Before the counts, so that the last line stays the batch's summary.
  for (const line of formatFailures(summary)) say(line);
  say(formatBatchSummary(summary, inputs.length));
  if (json) console.log(summaryJson(summary.photos));
  // Photos left out were asked for too: the command did not do all it was given.
  return summary.failed > 0 || summary.leftOut > 0 ? 1 : 0;
}

function parseFormat(value: string | undefined): OutputFormat | undefined {
  if (value === undefined) return undefined;
  // The names file extensions use, in either case.
  const lower = value.toLowerCase();
  const format = ({ jpg: 'jpeg', tif: 'tiff' } as Record<string, string>)[lower] ?? lower;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UnshakeError('INVALID_REQUEST', `--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${value}".`);
  }
  return format as OutputFormat;
}
