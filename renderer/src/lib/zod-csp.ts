import { z } from 'zod';

/**
 * The shared contract's zod schemas probe `new Function` when they are built, to speed up
 * parsing; our CSP forbids eval, so the probe fails and is reported as a CSP violation. Jitless
 * mode skips it. Import this module first, before anything from electron/common is evaluated.
 */
z.config({ jitless: true });
