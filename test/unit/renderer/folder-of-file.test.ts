import { describe, expect, it } from 'vitest';
import { folderOfChosenFile } from '../../../electron/common/folder-path.js';

describe('the folder a folder picker chose, from one of its files', () => {
  it.each([
    ['/photos/Trip/blur/1.jpg', 'Trip/blur/1.jpg', '/photos/Trip'],
    ['/photos/Trip/1.jpg', 'Trip/1.jpg', '/photos/Trip'],
    ['C:\\Users\\ana\\Trip\\sharp\\1.jpg', 'Trip/sharp/1.jpg', 'C:\\Users\\ana\\Trip'],
    ['/Trip/1.jpg', 'Trip/1.jpg', '/Trip'],
    // A backslash is a character of a file name on Linux and macOS.
    ['/home/me/Trip/blur/a\\b.jpg', 'Trip/blur/a\\b.jpg', '/home/me/Trip'],
  ])('%s in %s → %s', (full, relative, folder) => {
    expect(folderOfChosenFile(full, relative)).toBe(folder);
  });

  it('has no answer for a file without a path on disk, or one not chosen from a folder', () => {
    expect(folderOfChosenFile('', 'Trip/1.jpg')).toBe('');
    expect(folderOfChosenFile('/a/1.jpg', '1.jpg')).toBe('');
  });
});
