import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PHOTO_EXTENSIONS } from '../../../electron/common/photo-types.js';

/**
 * "Open with Unshake" as the packages declare it, read from the config and the NSIS include (no
 * Windows here to install on). Windows must get Open with alone, under Unshake's own ProgIDs:
 * electron-builder's fileAssociations would set each extension's default value (APP_ASSOCIATE) and
 * leave it dangling after uninstall.
 */
const require = createRequire(import.meta.url);
const buildDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../build');
type Association = { ext: string | string[]; role?: string };
type Config = Record<string, unknown> & {
  fileAssociations?: Association[];
  nsis: { include: string };
  mac: { fileAssociations: Association[] };
  linux: { fileAssociations: Association[] };
  win: { fileAssociations?: Association[] };
};
const config = (require('js-yaml') as { load(text: string): Config }).load(readFileSync(path.join(buildDir, 'electron-builder.yml'), 'utf8'));
const nsh = readFileSync(path.resolve(buildDir, '..', config.nsis.include), 'utf8');

// Opened, but not offered: HEIC/HEIF are almost always HEVC (refused), GIF is seldom a photo.
const NOT_OFFERED = new Set(['.heic', '.heif', '.gif']);
const offered = [...PHOTO_EXTENSIONS].filter((ext) => !NOT_OFFERED.has(ext)).map((ext) => ext.slice(1)).sort();

/** The include's macros: their parameters and their lines, comments and blank lines left out. */
const macros = new Map(
  [...nsh.matchAll(/^!macro (\w+)((?: \w+)*)\n([\s\S]*?)^!macroend/gm)].map((m) => [
    m[1]!,
    { params: m[2]!.split(' ').filter(Boolean), lines: m[3]!.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith(';')) },
  ]),
);
/** A macro's arguments as NSIS reads them: quoted (the quotes dropped) or single words. */
const macroArgs = (text: string) => [...text.matchAll(/"([^"]*)"|'([^']*)'|`([^`]*)`|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);

/** A macro's lines with every !insertmacro expanded (NSIS puts each argument for its ${PARAM}). */
function macroBody(name: string): string[] {
  const macro = macros.get(name);
  expect(macro, name).toBeDefined();
  return macro!.lines.flatMap((line) => {
    const insert = /^!insertmacro (\w+)(.*)$/.exec(line);
    if (!insert) return [line];
    const args = macroArgs(insert[2]!);
    const { params } = macros.get(insert[1]!) ?? { params: [] };
    expect(args, line).toHaveLength(params.length);
    return macroBody(insert[1]!).map((l) => params.reduce((out, param, i) => out.replaceAll(`\${${param}}`, args[i]!), l));
  });
}
const REG = /^(WriteRegStr|DeleteRegValue|DeleteRegKey) SHELL_CONTEXT "([^"]+)"(?: "([^"]*)")?(?: (.+))?$/;
const registry = (lines: string[]) => lines.filter((line) => !line.startsWith('System::Call')).map((line) => {
  const m = REG.exec(line);
  expect(m, line).not.toBeNull();
  return { op: m![1]!, key: m![2]!, name: m![3], data: m![4] };
});
const install = registry(macroBody('customInstall'));
const uninstall = registry(macroBody('customUnInstall'));
const openWith = install.filter((w) => w.key.endsWith('\\OpenWithProgids'));

describe('Open with Unshake in the packages', () => {
  it('declares no fileAssociations Windows would see (top-level or win): NSIS would make them the default', () => {
    expect(config.fileAssociations).toBeUndefined();
    expect(config.win.fileAssociations).toBeUndefined();
  });

  it('offers every photo type the app opens on macOS and Linux, as an Editor', () => {
    for (const associations of [config.mac.fileAssociations, config.linux.fileAssociations]) {
      expect(associations.flatMap((a) => a.ext).sort()).toEqual(offered);
      for (const a of associations) expect(a.role).toBe('Editor');
    }
  });

  it('on Windows adds an Unshake ProgID to every such extension’s OpenWithProgids and never sets an extension’s default', () => {
    expect(openWith.map((w) => /^Software\\Classes\\\.(\w+)\\OpenWithProgids$/.exec(w.key)?.[1]).sort()).toEqual(offered);
    for (const w of openWith) {
      expect(w.name).toMatch(/^Unshake\.\w+$/);
      expect(w.data).toBe('""');
      // The ProgID it names opens the photo with the app.
      expect(install).toContainEqual({ op: 'WriteRegStr', key: `Software\\Classes\\${w.name}\\shell\\open\\command`, name: '', data: `'"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" "%1"'` });
    }
    // Everything else it writes is inside its own ProgIDs.
    for (const w of install.filter((x) => !openWith.includes(x))) expect(w.key).toMatch(/^Software\\Classes\\Unshake\.\w+(\\|$)/);
  });

  it('removes on uninstall exactly what install wrote, and tells Explorer both times', () => {
    const progIds = [...new Set(install.filter((w) => !openWith.includes(w)).map((w) => /^Software\\Classes\\(Unshake\.\w+)/.exec(w.key)![1]))];
    const expected = [
      ...openWith.map((w) => ({ op: 'DeleteRegValue', key: w.key, name: w.name, data: undefined })),
      ...progIds.map((id) => ({ op: 'DeleteRegKey', key: `Software\\Classes\\${id}`, name: undefined, data: undefined })),
    ];
    expect(uninstall).toHaveLength(expected.length);
    expect(uninstall).toEqual(expect.arrayContaining(expected));
    for (const macro of ['customInstall', 'customUnInstall']) expect(macroBody(macro).at(-1), macro).toMatch(/^System::Call 'shell32::SHChangeNotify\(i, i, i, i\) v \(0x08000000, 0, 0, 0\)'$/);
  });
});
