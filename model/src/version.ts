import packageJson from '../../package.json' with { type: 'json' };

/** Unshake's version, as results name the program that wrote them (XMP history). */
export const UNSHAKE_VERSION: string = packageJson.version;
