/**
 * `npm run <command> -- --help`: what each option does and its default, in the words of the user
 * guide. The one-line usages (USAGE in each command) stay for error messages.
 */
export const COMMAND_HELP: Record<string, string> = {
  deblur: `npm run deblur -- <photo or folder>... [options]

Removes camera shake from a photo, or from every photo of a folder (not its subfolders). The
result is written next to the original as photo-unshaken.* (--suffix names another) with its EXIF, colour profile, XMP,
print resolution and bit depth (a CMYK or Lab photo comes back as RGB in sRGB, and a note says so;
a PNG's gamma/chromaticity tags become an equivalent ICC profile); the original is never written
over. A folder run again after an interruption does only the photos whose result is not there
yet: a result already there (in any
format, next to the photo or in its Unshaken or --subfolder folder) counts as done, whatever
strength or model made it.

  -o, --out <file>          where to write the result of one photo (default: next to it, -unshaken)
      --out-dir <folder>    a folder for every result of a batch (made if missing)
      --subfolder <name>    put each result in a folder of that name beside its photo
      --suffix <text>       what a result's name adds to its photo's (default: -unshaken); the app's
                            outputSuffix setting, so a batch finds the app's results done
  -m, --model <id>          model to run (default: base, the best model shipped; see \`npm run models\`)
  -s, --strength <0..1>     how much of the fix to apply (default: 1)
      --region <x,y,w,h>    fix only this rectangle, in the photo's pixels (default: the whole photo);
                            give it again for more rectangles: the fix covers them all
      --ellipse <x,y,w,h>   fix the ellipse inside this box (repeatable, and added to any --region)
      --mask <file.json>    the whole selection as the app sends it, lasso outlines included:
                            {"shapes": [{"kind": "rect", "x", "y", "width", "height"},
                            {"kind": "ellipse", "cx", "cy", "rx", "ry"},
                            {"kind": "polygon", "points": [[x, y], ...]}, ...],
                            "feather": px, "invert": false} (coordinates in the photo's pixels);
                            it replaces --region, --ellipse, --feather and --invert. At most
                            1,000 shapes and 40,000 outline points, as in the app
      --feather <px>        fade the fix out over this many pixels at the selection's edge (default: 0)
      --invert              fix everything but the selection
      --format <f>          same | jpeg (jpg) | png | tiff (tif) | webp (default: same as the photo;
                            PNG for formats Unshake cannot write)
      --quality <1..100>    JPEG and WebP quality, written exactly as given, lower than a JPEG
                            photo's own too (default: 95, raised to a JPEG photo's own quality
                            where that is higher, and said in a note)
      --overwrite           replace --out if it exists (never the original)
      --tile-size <px>      the network's tile size (default: the model's own, from its manifest)
      --max-megapixels <n>  the largest photo to deblur, 1 to 2000 (default: 250; more needs more
                            memory; the app's Output panel setting does not apply here)
      --cpu                 run on the processor even where a graphics card could be used
      --models-dir <folder> where fine-tuned models are (default: the app's models folder)
      --json                print one JSON summary on stdout (the other lines go to stderr):
                            {"photos": [{"input", "status": "done" | "already-done" | "failed"
                            | "stopped", "output", …, "error": {"code", "message"}}], "done",
                            "failed", "alreadyDone"}, and "interrupted": the signal when one
                            stopped it; use \`npm run -s\` so npm's own lines stay out of it`,

  models: `npm run models -- [options]

Lists the models Unshake can run: the ones shipped with it and the ones you fine-tuned.

      --models-dir <folder> where fine-tuned models are (default: the app's models folder)
      --json                print the list as JSON (with \`npm run -s\`, so npm's own lines stay out of it)`,

  eval: `npm run eval -- --set <folder> [options]

Scores a model on blurred/sharp pairs (PSNR and SSIM of the blurred photo and of the result
against the sharp one), through the same engine as the app. The folder holds an index.tsv
(columns "blurred" and "sharp"), blur/ and sharp/ subfolders with matching names, or
name_blur / name_sharp files. A pair that cannot be scored, or a blurred photo without its sharp
one, is named and left out (exit code 1).

      --set <folder>        the pairs (required)
  -m, --model <id>          model to score (default: base)
      --json <file>         also write the scores as JSON
      --limit <n>           score only the first n pairs
      --tile-size <px>      the network's tile size (default: the model's own)
      --max-megapixels <n>  the largest photo to score, 1 to 2000 (default: 250)
      --cpu                 run on the processor only
      --models-dir <folder> where fine-tuned models are (default: the app's models folder)`,

  bench: `npm run bench -- [options]

Measures speed and memory (docs/bench.md): the processor's matrix speed, the network alone at
several tile sizes and threads, whole photos end to end with their peak memory, and fine-tuning
steps on each training backend. Prints a table and writes JSON and Markdown. A training backend
that fails is a row with its reason; Ctrl+C stops the bench and removes its temporary files.

  -m, --model <id>          model to measure (default: base)
      --models-dir <folder> where fine-tuned models are (default: the app's models folder)
      --sizes <MP,...>      8-bit photo sizes in megapixels (default: 12,48)
      --sizes16 <MP,...>    16-bit photo sizes (default: none)
      --full                add 100 MP photos, 8- and 16-bit (minutes on a small processor)
      --tiles <px,...>      tile sizes for the network sweep (default: 256,384,512,768,1024)
      --threads <n,...>     thread counts for the sweep, whole numbers (default: 1 and all cores)
      --json <file>         where to write the JSON (default: docs/bench.json)
      --md <file>           where to write the Markdown (default: docs/bench.md)
      --no-write            print only
      --cpu                 the processor only
      --no-train            leave out fine-tuning
      --train-only          time fine-tuning only, keeping the rest of the last report
      --keep-training       time inference only, keeping the last report's fine-tuning
                            (--no-train, --train-only and --keep-training: one at most)
      --vgg <folder>        the VGG19 weights fine-tuning needs, checked before anything is
                            measured (default: ../shared/weights/vgg19-block3)`,

  train: `npm run train -- --pairs <folder> | --sharp <folder> [options]

Fine-tunes a model on your own photos and saves it as a new model (see docs/fine-tuning.md).
--pairs: blurred photos and their sharp versions (blur/ and sharp/ subfolders with matching
names, name_blur / name_sharp files, or an index.tsv). --sharp: sharp photos only; the camera
shake is simulated. A fifth of the photos is held back to measure the new model. Ctrl+C (or
SIGTERM, SIGHUP) saves a checkpoint after the step; --resume goes on from it.

      --pairs <folder>      blurred photos and their sharp versions (one of --pairs, --sharp)
      --sharp <folder>      sharp photos only; the camera shake is simulated
      --out <name>          the new model's name (default: the base model's id and the date)
      --resume              continue an interrupted run (--out names which, if there are several)
      --base <id or file>   model to start from (default: base)
      --steps <n>           training steps (default: 1000)
      --crop <px>           training crop size (default: 256 with a graphics card, 64 without):
                            a multiple of 8 from 24 (the critic's rule); with --adversarial 0,
                            of the model's size multiple (4 for the shipped models) from 16
      --batch <n>           crops per step (default: 4)
      --lr <rate>           Adam learning rate (default: 1e-4)
      --l1 <w>              weight of the L1 content loss (default: 100)
      --perceptual <w>      weight of the VGG19 perceptual loss (default: 10; 0 turns it off)
      --adversarial <w>     weight of the critic's adversarial loss (default: 1; 0 turns it off)
      --critic-width <n>    the critic's first layer width (default: 64 with a graphics card, 16 without)
      --mode full|decoder   train every weight, or the decoder only (default: full)
      --val-crop <px>       largest held-out centre crop (default: 256)
      --checkpoint-every <n> steps between checkpoints (default: 100; --resume keeps the run's)
      --seed <n>            random seed: the same seed, data and settings give the same model (default: 1)
      --vgg <folder>        VGG19 weights for the perceptual loss (default: ../shared/weights/vgg19-block3)
      --synth-spec <file>   simulated-shake settings for --sharp (default: the shipped spec)
      --mild-share <0..1>   share of nearly sharp examples for --sharp (default: 0.1)
      --models-dir <folder> where models are saved (default: the app's models folder)
      --cpu                 train on the processor even where a graphics card could be used, as
                            with the app's "Deblur and fine-tune on the graphics card" off (a
                            resumed run takes it anew: give it again with --resume)

Exit codes: 0 done, 1 error, 2 usage error, 130 / 143 / 129 stopped by Ctrl+C / SIGTERM / SIGHUP (resumable).`,
};
