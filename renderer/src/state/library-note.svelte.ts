/**
 * The model library's last word, said beside its buttons (and to a screen reader, from a region
 * that is always there): what an import or a removal did. One line, so two actions in a row say
 * the later one.
 */
class LibraryNote {
  text = $state('');

  say(text: string): void {
    this.text = text;
  }
}

export const libraryNote = new LibraryNote();
