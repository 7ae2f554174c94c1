import { findResult, type BatchItem, type ResultSearch } from '../image/batch-results.js';
import { leftOutNote, nothingWritable, planDestinations } from '../image/result-destination.js';

/**
 * The batch's results folders that cannot be written (a write-protected card, an --out-dir on a
 * read-only mount), found before any photo is decoded: their photos not done yet are left out,
 * with one note per folder (`log`), and the others go on. When none could be written, the command
 * fails once with why; a finished batch run again on a locked card still reports its results done.
 * Returns why, by folder.
 */
export async function refusedFolders(
  items: readonly BatchItem[],
  { mayMake, searchOf, log }: { mayMake: boolean; searchOf: (item: BatchItem) => ResultSearch; log: (line: string) => void },
): Promise<Map<string, string>> {
  const plan = await planDestinations(items, { mayMake });
  const leftOut = new Map<string, string>();
  const notes: string[] = [];
  for (const { refusal, items: theirs } of plan.refused) {
    let toDo = 0;
    for (const item of theirs) if (!('done' in (await findResult(item, searchOf(item))))) toDo++;
    if (toDo === 0) continue;
    leftOut.set(refusal.folder, refusal.message);
    notes.push(`note: ${leftOutNote(refusal, toDo)}`);
  }
  if (plan.writable.length === 0 && leftOut.size > 0) throw nothingWritable(plan.refused);
  for (const note of notes) log(note);
  return leftOut;
}
