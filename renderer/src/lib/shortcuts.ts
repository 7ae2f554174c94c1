/** The toolbar's commands that have a key, as photo editors bind them. */
export type ToolbarCommand = 'open' | 'deblur' | 'save' | 'save-as';

/** What of a KeyboardEvent decides a command (plain, so the unit tests run without a DOM). */
type KeyPress = { key: string; code: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean };

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

const LETTER = /^\p{L}$/u;
const LATIN = /^\p{Script=Latin}$/u;
const LETTER_PLACE = /^Key([A-Z])$/;

/**
 * The key a shortcut reads, letters upper-cased. A Latin letter is taken as typed, so AZERTY or
 * Dvorak keep their own Z and S; another script's letter (Russian я, Greek ζ, Hebrew ז) stands for
 * the Latin letter at its place (event.code), as Photoshop and VS Code read Ctrl+я as Ctrl+Z:
 * otherwise no shortcut could be reached on those layouts. Anything else (Enter, \) is its key.
 */
export function shortcutKey(event: Pick<KeyPress, 'key' | 'code'>): string {
  const { key } = event;
  if (!LETTER.test(key)) return key;
  if (LATIN.test(key)) return key.toUpperCase();
  return LETTER_PLACE.exec(event.code)?.[1] ?? key;
}

/**
 * Whether a one-key shortcut's character came alone, or with only what the layout needs to type
 * it: AltGr, which Windows reports as Ctrl+Alt (\ on German or French keyboards), or a Mac's
 * Option. A real Ctrl+\ or Alt+\ (and anything with ⌘ or the Windows key) is another command.
 */
export function typedAlone(event: KeyPress, mac: boolean): boolean {
  if (event.metaKey) return false;
  if (!event.ctrlKey && !event.altKey) return true;
  return mac ? event.altKey && !event.ctrlKey : event.ctrlKey && event.altKey;
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
  const key = shortcutKey(event);
  if (key === 'Z') return event.shiftKey ? 'redo' : 'undo';
  return key === 'Y' && !event.shiftKey && !mac ? 'redo' : null;
}

/** The command a key press asks for: Ctrl (⌘ on a Mac) with O, Enter, S or Shift+S; else null. */
export function commandFor(event: KeyPress, mac: boolean): ToolbarCommand | null {
  const modifier = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!modifier || event.altKey) return null;
  const key = shortcutKey(event);
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
