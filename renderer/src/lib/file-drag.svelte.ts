import { droppedFiles } from './image-file.js';

/**
 * A drop target for files and folders: its event handlers, and whether files are being dragged
 * over it (to highlight it). dragenter/dragleave fire for every child crossed, so they are counted
 * instead of toggled. Without preventDefault on dragover the browser would navigate to the file.
 */
export class FileDrag {
  private depth = $state(0);
  readonly dragging = $derived(this.depth > 0);

  constructor(
    private readonly onfiles: (files: readonly File[] | null) => void,
    private readonly dropEffect: 'copy' | 'link' = 'copy',
  ) {}

  readonly enter = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.depth += 1;
  };

  readonly over = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = this.dropEffect;
  };

  readonly leave = (): void => {
    this.depth = Math.max(0, this.depth - 1);
  };

  readonly drop = (event: DragEvent): void => {
    event.preventDefault();
    this.depth = 0;
    this.onfiles(event.dataTransfer ? droppedFiles(event.dataTransfer) : null);
  };

  /** The four handlers, to spread on the target element. */
  readonly handlers = { ondragenter: this.enter, ondragover: this.over, ondragleave: this.leave, ondrop: this.drop };
}

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}
