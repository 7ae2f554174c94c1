/**
 * Two model names are one when they read the same: compared as typed, in any script, ignoring case
 * and spacing. Ids alone missed names with no letters an id can use ("日本の夏" gets a dated id).
 */
export const modelNameKey = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
