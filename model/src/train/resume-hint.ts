/**
 * The options that continue an interrupted run, as a message tells the user to type them:
 * `--resume --out ID` and whatever else the command line needs to find the run again (a
 * --models-dir other than the default, the --base it started from). Without them the hint
 * sends the user to the default models folder, where the run is not.
 */
export function resumeOptions(outId: string, findAgain: readonly string[] = []): string {
  return ['--resume', '--out', outId, ...findAgain].map(shellWord).join(' ');
}

/** A word a shell reads back as itself: quoted only when it must be (a path with spaces). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
