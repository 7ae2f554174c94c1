import { tick } from 'svelte';
import type { Attachment } from 'svelte/attachments';

/**
 * A button that goes away while it has the focus (Stop once the run has stopped, Show once its
 * photo is back on screen, Cancel batch once the batch is over) drops the focus to the page, and
 * a keyboard user starts again from the top. This hands it to the first of `targets` (CSS
 * selectors) that is on the page and enabled, once the update that removed the button is done.
 */
export function handFocusOnRemoval(...targets: string[]): Attachment<HTMLElement> {
  return (element) => {
    let focused = false;
    const focusin = (): void => {
      focused = true;
    };
    // Focus moved on (to another element, or to nothing with a click on the page): not ours to
    // place any more. A removal looks like the click, but leaves the button out of the page.
    const focusout = (): void => {
      queueMicrotask(() => {
        if (element.isConnected) focused = false;
      });
    };
    element.addEventListener('focusin', focusin);
    element.addEventListener('focusout', focusout);
    return () => {
      element.removeEventListener('focusin', focusin);
      element.removeEventListener('focusout', focusout);
      if (focused) void tick().then(() => focusFirst(targets));
    };
  };
}

function focusFirst(targets: readonly string[]): void {
  const now = document.activeElement;
  if (now && now !== document.body) return;
  for (const selector of targets) {
    const target = document.querySelector<HTMLElement>(selector);
    if (target?.isConnected && !target.matches(':disabled')) {
      target.focus();
      return;
    }
  }
}
