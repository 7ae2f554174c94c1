import { z } from 'zod';
import { editorSaveSchema, errorInfoSchema, imageIdSchema, jobIdSchema, openImageResultSchema, savedFileSchema } from './ipc-schemas.js';
import { jobSnapshotSchema } from './job-state.js';
import { regionMaskSchema } from './mask.js';
import { modelIdSchema } from './model-id.js';
import { pathSchema } from './path-schema.js';
import { OUTPUT_FORMATS, QUALITY_RANGE } from './settings-schema.js';

/**
 * The IPC contract's editor channels (a photo opened, its deblur, its saves, and what a reloaded
 * window restores): part of the one contract, spread into ipcContract (ipc-contract.ts), where main
 * validates them and the preload exposes them like every other channel.
 */
export const editorChannels = {
  openImage: {
    channel: 'image:open',
    request: z
      .object({
        path: pathSchema,
        /** The longest edge of the window's screen in device pixels: the preview is made to cover it. */
        screenEdge: z.number().int().positive().max(65536).optional(),
      })
      .strict(),
    response: openImageResultSchema,
    progress: false,
  },
  /**
   * Why an opened photo's preview or crop could not be shown (the image protocol's 404 carries no
   * reason the page can read): its file moved, changed on disk, or it is no longer open. Null: none of those.
   */
  imageStatus: {
    channel: 'image:status',
    request: z.object({ imageId: imageIdSchema }).strict(),
    response: z.object({ problem: errorInfoSchema.nullable() }),
    progress: false,
  },
  deblur: {
    channel: 'job:deblur',
    request: z
      .object({
        imageId: imageIdSchema,
        mask: regionMaskSchema.optional(),
        strength: z.number().min(0).max(1),
        modelId: modelIdSchema,
      })
      .strict(),
    response: z.object({ jobId: jobIdSchema }),
    progress: true,
  },
  /**
   * For a reloaded window: the editor's deblurs of this session, oldest first, each with its
   * photo, what it was made with and its saves (a result main no longer keeps says so on its job); and what the
   * window last said it shows (editorShowing), or deblurred of that photo since.
   */
  editorJobs: {
    channel: 'job:editor-jobs',
    request: z.object({}).strict(),
    response: z.object({
      deblurs: z.array(
        z.object({
          job: jobSnapshotSchema,
          image: openImageResultSchema,
          madeWith: z.object({ modelId: z.string(), mask: regionMaskSchema.optional() }),
          /** Strength 0–1 as asked for, quality as asked for (absent: the settings' then). */
          saves: z.array(editorSaveSchema),
          /** The strength 0–1 its result was last shown at (editorShowing); absent: never told. */
          strength: z.number().min(0).max(1).optional(),
        }),
      ),
      /** The photo on screen, and the deblur whose result it showed (null: none yet). */
      current: z.object({ image: openImageResultSchema, jobId: jobIdSchema.nullable() }).nullable(),
    }),
    progress: false,
  },
  /**
   * The photo the editor shows now (opened, or brought back with Show, with its result's job): what a
   * reload restores; `strength` (0–1), the slider's for that result, so Show after a reload has it too.
   */
  editorShowing: {
    channel: 'editor:showing',
    request: z.object({ imageId: imageIdSchema, jobId: jobIdSchema.optional(), strength: z.number().min(0).max(1).optional() }).strict(),
    response: z.object({}),
    progress: false,
  },
  /**
   * The editor's saves of this session that are no longer on disk (deleted or moved in a file
   * manager): asked when the window gets the focus back, so Save is offered again. It names no
   * path: main looks only at the files it wrote itself.
   */
  missingSaves: {
    channel: 'job:missing-saves',
    request: z.object({}).strict(),
    response: z.object({ paths: z.array(z.string()) }),
    progress: false,
  },
  save: {
    channel: 'job:save',
    request: z
      .object({
        jobId: jobIdSchema,
        /** Absent: the settings' output format. (Always next to the original: Save As… picks a place in main's dialog.) */
        format: z.enum(OUTPUT_FORMATS).optional(),
        /** The Output panel's quality as the window has it (absent: the stored one): raised to a JPEG photo's own where that is higher. */
        quality: z.number().int().min(QUALITY_RANGE.min).max(QUALITY_RANGE.max).optional(),
        /**
         * Strength to save at, 0–1; absent: the strength the deblur ran with. Lower than that, the
         * result is blended with the original again (no second run of the network); higher needs
         * another deblur.
         */
        strength: z.number().min(0).max(1).optional(),
      })
      .strict(),
    response: savedFileSchema,
    progress: false,
  },
  /**
   * Save As…: the system's save dialog (opened by main) picks the place and name, starting at
   * Save's default; null when the photographer cancelled it. A name that exists was agreed to be
   * replaced in the dialog; the original is never written over.
   */
  saveAs: {
    channel: 'job:save-as',
    request: z
      .object({
        jobId: jobIdSchema,
        quality: z.number().int().min(QUALITY_RANGE.min).max(QUALITY_RANGE.max).optional(),
        strength: z.number().min(0).max(1).optional(),
      })
      .strict(),
    response: z.object({ saved: savedFileSchema.nullable() }),
    progress: false,
  },
} as const;
