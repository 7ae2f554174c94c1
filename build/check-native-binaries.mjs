// Whether node_modules holds the target's native binaries (build/before-pack.mjs stops a package without them).
// electron-builder copies node_modules as installed (npmRebuild is off: nothing to compile), and
// npm installs only the build machine's sharp binaries (@img/sharp-<os>-<cpu>): a Windows installer
// built on Linux, or an Intel Mac's arm64 dmg, would open no photo. onnxruntime-node carries every
// platform's runtime it supports; its folder for the target is checked too (macOS: arm64 only).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The native packages the target needs that node_modules lacks, each with how to get it. */
export function missingNativeBinaries(platform, arch, nodeModules = path.join(root, 'node_modules')) {
  const wanted = [`@img/sharp-${platform}-${arch}`];
  // On Windows libvips is inside sharp's own package; elsewhere it is a package of its own.
  if (platform !== 'win32') wanted.push(`@img/sharp-libvips-${platform}-${arch}`);
  const missing = wanted.filter((name) => !existsSync(path.join(nodeModules, name, 'package.json')));
  const ort = path.join('onnxruntime-node', 'bin', 'napi-v6', platform, arch);
  if (!existsSync(path.join(nodeModules, ort))) missing.push(ort);
  return missing;
}
