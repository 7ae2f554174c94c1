import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { maskShapeSchema, regionMaskSchema, type MaskShape, type RegionMask } from '../../../electron/common/mask.js';
import { UnshakeError } from '../errors.js';
import { numberOption, refuseStdio } from './args.js';

/** The deblur options that make a selection, as parseArgs gives them (--region and --ellipse repeat). */
export interface SelectionValues {
  region?: string[];
  ellipse?: string[];
  mask?: string[];
  feather?: string;
  invert?: boolean;
}

/**
 * A --mask file is JSON the app's own selection fits in with room to spare (40,000 points of
 * pretty-printed JSON are about 3 MB): a photo named by mistake is refused before it is read whole.
 */
const MAX_MASK_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The selection the command line asks for, checked by the app's own schema (regionMaskSchema), so
 * its limits and messages are the app's: rectangles and ellipses as the editor draws them (added
 * together, as Shift-drags are), or a --mask file holding a whole selection as the app sends it
 * (lasso polygons, brush strokes included). Undefined: the whole photo.
 */
export async function selectionOption(values: SelectionValues): Promise<RegionMask | undefined> {
  const regions = values.region ?? [];
  const ellipses = values.ellipse ?? [];
  const masks = values.mask ?? [];
  if (masks.length > 0) {
    // One source for the selection: a file and flags beside it would leave unclear which feather wins.
    if (masks.length > 1) throw new UnshakeError('INVALID_REQUEST', `--mask was given ${masks.length} times: one file holds the whole selection; put all the shapes in it.`);
    const extra = [regions.length && '--region', ellipses.length && '--ellipse', values.feather !== undefined && '--feather', values.invert && '--invert'].filter(Boolean);
    if (extra.length > 0) {
      throw new UnshakeError('INVALID_REQUEST', `--mask holds the whole selection, so ${extra.join(', ')} cannot go with it: put those shapes, "feather" or "invert" in the file.`);
    }
    return maskFile(masks[0]!);
  }
  if (regions.length === 0 && ellipses.length === 0) {
    if (values.feather !== undefined || values.invert) throw new UnshakeError('INVALID_REQUEST', '--feather and --invert need a selection: --region x,y,w,h, --ellipse x,y,w,h or --mask FILE.json.');
    return undefined;
  }
  const shapes = [...regions.map((value) => shapeOf('region', value)), ...ellipses.map((value) => shapeOf('ellipse', value))];
  return checked(
    { shapes, feather: numberOption('feather', values.feather, { min: 0, max: 2000 }) ?? 0, invert: values.invert ?? false },
    'the selection',
  );
}

/** --region x,y,w,h is a rectangle; --ellipse x,y,w,h the ellipse inside that box, as the editor's Ellipse tool draws it. */
function shapeOf(option: 'region' | 'ellipse', value: string): MaskShape {
  const [x, y, width, height] = boxNumbers(option, value);
  const shape = option === 'region' ? { kind: 'rect', x, y, width, height } : { kind: 'ellipse', cx: x + width / 2, cy: y + height / 2, rx: width / 2, ry: height / 2 };
  const parsed = maskShapeSchema.safeParse(shape);
  if (!parsed.success) {
    // The schema's field (rx) is not what was typed (w): name the typed field.
    const why = width > 0 && height > 0 ? describeIssue(parsed.error) : `${width > 0 ? 'height' : 'width'} must be more than 0`;
    throw new UnshakeError('INVALID_REQUEST', `--${option} "${value}" is not a valid ${option === 'region' ? 'rectangle' : 'ellipse'}: ${why}.`);
  }
  return parsed.data;
}

const BOX_FIELDS = ['x', 'y', 'width', 'height'] as const;

/** Four numbers; an empty or non-numeric field is named rather than read as 0 (Number('') is 0). */
function boxNumbers(option: 'region' | 'ellipse', value: string): [number, number, number, number] {
  const fields = value.split(',').map((p) => p.trim());
  const what = option === 'ellipse' ? ' (the box around the ellipse)' : '';
  const usage = `--${option} must be four numbers x,y,width,height in pixels${what}, e.g. --${option} 100,50,800,600`;
  if (fields.length !== 4) throw new UnshakeError('INVALID_REQUEST', `${usage}; got ${fields.length} field(s) in "${value}".`);
  return fields.map((field, i) => {
    const n = Number(field);
    if (field === '' || !Number.isFinite(n)) {
      const problem = field === '' ? 'is empty' : `is "${field}", not a number`;
      throw new UnshakeError('INVALID_REQUEST', `${usage}; ${BOX_FIELDS[i]} ${problem} in "${value}".`);
    }
    return n;
  }) as [number, number, number, number];
}

/** A --mask file: `{"shapes": [...], "feather": px, "invert": bool}`, the selection the app's deblur request carries. */
async function maskFile(file: string): Promise<RegionMask> {
  refuseStdio('--mask', file, 'in');
  const absolute = path.resolve(file);
  const info = await stat(absolute).catch(() => null);
  if (!info) throw new UnshakeError('FILE_NOT_FOUND', `--mask ${file}: there is no such file (${absolute}).`);
  if (!info.isFile()) throw new UnshakeError('INVALID_REQUEST', `--mask ${file} is not a file: name a JSON file with the selection's shapes.`);
  if (info.size > MAX_MASK_FILE_BYTES) {
    throw new UnshakeError('INVALID_REQUEST', `--mask ${file} is ${(info.size / 1024 ** 2).toFixed(0)} MB: a selection file is JSON of at most 16 MB (is it the right file?).`);
  }
  const text = await readFile(absolute, 'utf8');
  const shape = 'it should hold {"shapes": [...], "feather": 0, "invert": false}';
  // A photo or other binary file: JSON.parse's message would quote its bytes.
  if (text.includes('\uFFFD') || text.includes('\u0000')) throw new UnshakeError('INVALID_REQUEST', `--mask ${file} is not a text file; ${shape}.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnshakeError('INVALID_REQUEST', `--mask ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); ${shape}.`);
  }
  return checked(json, `--mask ${file}`);
}

/** The app's schema on a whole selection; `label` says where it came from. */
function checked(selection: unknown, label: string): RegionMask {
  const parsed = regionMaskSchema.safeParse(selection);
  if (!parsed.success) throw new UnshakeError('INVALID_REQUEST', `${label} is not a valid selection: ${describeIssue(parsed.error)}.`);
  return parsed.data;
}

/** "shapes.2.rx: Too small: expected number to be >0", as the app's IPC gate words it (dispatch.ts). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  // The schema's own sentences end with a full stop; ours add one.
  const message = issue.message.replace(/\.$/, '');
  return issue.path.length ? `${issue.path.join('.')}: ${message}` : message;
}
