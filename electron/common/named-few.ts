/**
 * A long list of names as its first `max` and how many more ("a.NEF, b.NEF and 3 more"), so a
 * message about hundreds of files stays readable. One rule for the engine's, the CLI's and the
 * app's messages. `separator` joins the names shown; `beforeMore` leads into the count (", " where
 * "N more" reads as one more item, "; and " after reasons that hold commas). `total`: how many
 * there are in all, when `names` holds only the first few already.
 */
export function namedFew(names: readonly string[], max: number, { separator = ', ', beforeMore = ' and ', total = names.length } = {}): string {
  const shown = names.slice(0, max);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(separator)}${beforeMore}${more} more` : shown.join(separator);
}
