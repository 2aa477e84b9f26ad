// First: zod's eval probe would break the CSP (see zod-csp.ts); the job modules define schemas.
import '../zod-csp.ts';
import { type JobRequest, newJobMemory, runJob } from '../../store/import-jobs.ts';

/**
 * The import worker: reads big inputs, builds big imports and loads big scenario files off the
 * page (src/store/import-jobs.ts does the work), so a trace of a million lines never holds it.
 */
const memory = newJobMemory();

self.onmessage = (e: MessageEvent<JobRequest>) =>
  runJob(
    e.data,
    (reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }),
    memory,
  );
