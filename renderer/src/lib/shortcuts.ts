/** The toolbar's commands that have a key, as photo editors bind them. */
export type ToolbarCommand = 'open' | 'deblur' | 'save' | 'save-as';

/** What of a KeyboardEvent decides a command (plain, so the unit tests run without a DOM). */
type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean };

const KEYS: Record<ToolbarCommand, { key: string; shift: boolean }> = {
  open: { key: 'O', shift: false },
  deblur: { key: 'Enter', shift: false },
  save: { key: 'S', shift: false },
  'save-as': { key: 'S', shift: true },
};

/** Whether this is a Mac, where the command key (⌘) takes Ctrl's part. */
export function isMac(): boolean {
  const browser = (globalThis as { navigator?: { platform?: string; userAgent?: string } }).navigator;
  return /Mac/.test(browser?.platform || browser?.userAgent || '');
}

/** Undo or redo of a selection edit. */
export type HistoryCommand = 'undo' | 'redo';

/**
 * Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes (⌘Z and ⇧⌘Z on a Mac, where ⌘Y is History in
 * many apps): the keys every editor has. The caller leaves a text field its own undo.
 */
export function historyCommandFor(event: KeyPress, mac: boolean): HistoryCommand | null {
  const modifier = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!modifier || event.altKey) return null;
  const key = event.key.toUpperCase();
  if (key === 'Z') return event.shiftKey ? 'redo' : 'undo';
  return key === 'Y' && !event.shiftKey && !mac ? 'redo' : null;
}

/** The command a key press asks for: Ctrl (⌘ on a Mac) with O, Enter, S or Shift+S; else null. */
export function commandFor(event: KeyPress, mac: boolean): ToolbarCommand | null {
  const modifier = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!modifier || event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  for (const [command, binding] of Object.entries(KEYS) as [ToolbarCommand, (typeof KEYS)[ToolbarCommand]][]) {
    if (binding.key === key && binding.shift === event.shiftKey) return command;
  }
  return null;
}

/** The key as a tooltip names it: "Ctrl+Shift+S", or "⇧⌘S" on a Mac. */
export function shortcutLabel(command: ToolbarCommand, mac: boolean): string {
  const { key, shift } = KEYS[command];
  const shown = key === 'Enter' ? (mac ? '↩' : 'Enter') : key;
  return mac ? `${shift ? '⇧' : ''}⌘${shown}` : `Ctrl+${shift ? 'Shift+' : ''}${shown}`;
}

/** The key for aria-keyshortcuts ("Control+Shift+S", "Meta+S"). */
export function ariaShortcut(command: ToolbarCommand, mac: boolean): string {
  const { key, shift } = KEYS[command];
  return `${mac ? 'Meta' : 'Control'}+${shift ? 'Shift+' : ''}${key}`;
}
