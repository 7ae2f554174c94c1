/**
 * Undo and redo over whole states, as plain values: the selection is small (its shapes, feather
 * and invert), so each step keeps it whole rather than a diff, and the functions stay pure.
 */
export type History<T> = { readonly past: readonly T[]; readonly present: T; readonly future: readonly T[] };

/** Steps kept back: a lasso may hold thousands of points, and no one undoes a hundred drags. */
export const HISTORY_LIMIT = 100;

/** A history that starts at `present`, with nothing to undo or redo (a photo or result just shown). */
export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/**
 * `state` after an edit: the present becomes a step back, and what was undone can no longer be
 * redone (as in every editor). An edit that changed nothing is no step.
 */
export function recorded<T>(history: History<T>, state: T, same: (a: T, b: T) => boolean): History<T> {
  if (same(history.present, state)) return history;
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: state, future: [] };
}

/** One step back, or null with nothing to undo. */
export function undone<T>(history: History<T>): History<T> | null {
  if (history.past.length === 0) return null;
  return { past: history.past.slice(0, -1), present: history.past.at(-1)!, future: [history.present, ...history.future] };
}

/** One undone step again, or null with nothing to redo. */
export function redone<T>(history: History<T>): History<T> | null {
  if (history.future.length === 0) return null;
  return { past: [...history.past, history.present], present: history.future[0]!, future: history.future.slice(1) };
}
