import type { Page } from 'playwright-core';

/**
 * What a screen reader would hear from the page's status regions, recorded from the moment
 * `recordLiveRegions` runs: each text a region already in the page changes to (`said`), and each
 * region inserted already holding its text (`inserted`), which many screen readers do not read.
 */
export interface LiveRecord {
  said: string[];
  inserted: string[];
}

type RecordingWindow = {
  document: { body: unknown; querySelectorAll(selector: string): Iterable<{ textContent: string | null }> };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
  __liveRecord?: LiveRecord;
};

/** Starts (or starts again) the record; regions in the page now are the ones that may speak. */
export function recordLiveRegions(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = globalThis as unknown as RecordingWindow;
    const SELECTOR = '[role="status"], [role="log"], [aria-live]:not([aria-live="off"])';
    const known = new Map<unknown, string>();
    const text = (node: { textContent: string | null }) => (node.textContent ?? '').replace(/\s+/g, ' ').trim();
    for (const region of w.document.querySelectorAll(SELECTOR)) known.set(region, text(region));
    const record: LiveRecord = { said: [], inserted: [] };
    w.__liveRecord = record;
    new w.MutationObserver(() => {
      if (w.__liveRecord !== record) return;
      for (const region of w.document.querySelectorAll(SELECTOR)) {
        const now = text(region);
        if (!known.has(region)) {
          if (now) record.inserted.push(now);
        } else if (known.get(region) !== now && now) {
          record.said.push(now);
        }
        known.set(region, now);
      }
    }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** What was recorded since recordLiveRegions. */
export function liveRecord(page: Page): Promise<LiveRecord> {
  return page.evaluate(() => (globalThis as unknown as RecordingWindow).__liveRecord ?? { said: [], inserted: [] });
}
