// electron-builder's beforePack hook: stops a package that would ship a broken app, with what to
// do, instead of packaging on (electron-builder itself only warns about a missing extraResources
// source and copies node_modules as installed, whatever the target).
import path from 'node:path';
import { missingExtraResources } from './check-extra-resources.mjs';
import { missingNativeBinaries } from './check-native-binaries.mjs';
import { researchOnlyWeights } from './check-weights-licence.mjs';

/** builder-util's Arch enum, by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

export async function beforePack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const { projectDir, config, platformSpecificBuildOptions } = context.packager;
  const problems = [];
  const binaries = missingNativeBinaries(platform, arch, path.join(projectDir, 'node_modules'));
  if (binaries.length > 0) {
    problems.push(
      `node_modules lacks ${binaries.join(', ')}. Install the target's sharp binaries first ` +
        `(npm install --os=${platform} --cpu=${arch} sharp), or build the package on a machine of that kind.`,
    );
  }
  const resources = missingExtraResources(config, platformSpecificBuildOptions, projectDir);
  if (resources.length > 0) {
    problems.push(
      `the files it bundles from outside the repository are missing: ${resources.join(', ')}. ` +
        'They come from the shared/ folder next to the repository (the VGG19 weights the training panel needs): ' +
        'put it there, as docs/release.md says, and package again.',
    );
  }
  // Only a release (package:release sets forceCodeSigning) goes to the public.
  const restricted = config.forceCodeSigning === true ? researchOnlyWeights(projectDir) : [];
  if (restricted.length > 0) {
    problems.push(
      `a release would publish weights licensed for research use only: ${restricted.map((m) => `${m.file} (“${m.license}”)`).join(', ')}. ` +
        'Replace them with weights whose training data may be shipped, or obtain the rights and say so in the manifest’s license, ' +
        'as docs/release.md says; `npm run package` still makes a package to try.',
    );
  }
  if (problems.length > 0) throw new Error(`Cannot package Unshake for ${platform}-${arch}: ${problems.join(' Also, ')}`);
}
