import { config } from 'zod/v4';

/**
 * The production CSP forbids eval. zod 4 probes `new Function` to decide whether to compile fast
 * parsers, and the probe alone raises a CSP violation report; jitless mode skips it. The probe
 * runs when a schema is defined (at import time of src/core/scenario/schema.ts), and the build
 * splits the app into chunks whose modules run in their own order, so the app's `zod` is this
 * module (vite.config.ts aliases it): every schema module imports it, so it runs before any of
 * them, in the page and in the import worker alike.
 */
config({ jitless: true });

export * from 'zod/v4';
