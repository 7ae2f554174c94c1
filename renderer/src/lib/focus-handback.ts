import { tick } from 'svelte';
import type { Attachment } from 'svelte/attachments';

/**
 * Where the focus goes next: a CSS selector, or NEXT_IN_LIST — the same button (by its place
 * among the item's buttons) in the list item that took the removed one's place, else in the one
 * before it. The first target on the page and enabled wins.
 */
export type FocusTarget = string | typeof NEXT_IN_LIST;
export const NEXT_IN_LIST: unique symbol = Symbol('next item in the list');

/** Where the button was in its list when it last took the focus (lists change under it). */
type ListPlace = { list: Element; index: number; button: number };

/**
 * A button that goes away while it has the focus (Stop once the run has stopped, Show once its
 * photo is back on screen, a card's Remove once the card is gone), or that is disabled under it
 * (Save As… once another photo is open, Resume once a run starts), drops the focus to the page,
 * and a keyboard user starts again from the top. This hands it to the first of `targets` that
 * is there, once the update that removed or disabled the button is done.
 */
export function handFocusOnRemoval(...targets: FocusTarget[]): Attachment<HTMLElement> {
  return (element) => {
    // Attached anew (its targets changed) while it has the focus: still ours to place.
    let focused = document.activeElement === element;
    let place: ListPlace | null = focused ? listPlace(element) : null;
    const focusin = (): void => {
      focused = true;
      place = listPlace(element);
    };
    // Focus moved on (to another element, or to nothing with a click on the page): not ours to
    // place any more. A removal looks like the click, but leaves the button out of the page;
    // disabling it (Chromium blurs it at once) leaves it there, disabled.
    const focusout = (): void => {
      queueMicrotask(() => {
        if (!element.isConnected) return;
        focused = false;
        if (element.matches(':disabled')) void tick().then(() => focusFirst(targets, place));
      });
    };
    element.addEventListener('focusin', focusin);
    element.addEventListener('focusout', focusout);
    return () => {
      element.removeEventListener('focusin', focusin);
      element.removeEventListener('focusout', focusout);
      if (focused) void tick().then(() => focusFirst(targets, place));
    };
  };
}

function listPlace(element: HTMLElement): ListPlace | null {
  const item = element.closest('li');
  const list = item?.parentElement;
  if (!item || !list) return null;
  return { list, index: [...list.children].indexOf(item), button: [...item.querySelectorAll('button')].indexOf(element as HTMLButtonElement) };
}

/** The item now at the removed one's place (or the last), and its button at the same place. */
function nextInList(place: ListPlace | null): HTMLElement | null {
  if (!place?.list.isConnected) return null;
  const items = [...place.list.children].filter((item) => item.matches('li'));
  const item = items[Math.min(place.index, items.length - 1)];
  const buttons = [...(item?.querySelectorAll<HTMLButtonElement>('button') ?? [])].filter((button) => !button.disabled);
  return buttons[Math.max(place.button, 0)] ?? buttons[0] ?? null;
}

function focusFirst(targets: readonly FocusTarget[], place: ListPlace | null): void {
  const now = document.activeElement;
  if (now && now !== document.body) return;
  for (const target of targets) {
    const element = target === NEXT_IN_LIST ? nextInList(place) : document.querySelector<HTMLElement>(target);
    if (element?.isConnected && !element.matches(':disabled')) {
      element.focus();
      return;
    }
  }
}
