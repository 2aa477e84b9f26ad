import { type JobRequest, newJobMemory, runJob, withFileTexts } from '../../store/import-jobs.ts';

/**
 * The import worker: reads big inputs, builds big imports and loads big scenario files off the
 * page (src/store/import-jobs.ts does the work), so a trace of a million lines never holds it.
 */
const memory = newJobMemory();
// Jobs run in the order they came, each after its inputs' files are read.
let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<JobRequest>) => {
  queue = queue
    .then(() => withFileTexts(e.data))
    .then(
      (request) =>
        runJob(
          request,
          (reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }),
          memory,
        ),
      (error: unknown) =>
        self.postMessage({
          id: e.data.id,
          kind: 'failed',
          message: `a file could not be read (${error instanceof Error ? error.message : String(error)})`,
        }),
    );
};
