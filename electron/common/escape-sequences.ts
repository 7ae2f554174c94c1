/**
 * Terminal escape sequences: CSI (ESC [ … final byte, or its one-byte form 0x9B), OSC/DCS/APC/PM/SOS
 * strings (up to BEL or ST), and two-byte ESC sequences. Removed whole, so no remnant like "[2J"
 * is left: by the CLI before it prints a manifest's text, and from a model's name when a manifest
 * is read (cleanModelName), which would otherwise turn only the ESC into a space.
 */
// eslint-disable-next-line no-control-regex
export const ESCAPE_SEQUENCES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]P^_X]|[\u0090\u009d\u009e\u009f\u0098])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
