import { config } from 'zod';

/**
 * The production CSP forbids eval. zod 4 probes `new Function` to decide whether to compile fast
 * parsers, and the probe alone raises a CSP violation report; jitless mode skips it. This module
 * is imported first by main.tsx because the probe runs when a schema is defined (at import time
 * of src/core/scenario/schema.ts), not when it parses.
 */
config({ jitless: true });
