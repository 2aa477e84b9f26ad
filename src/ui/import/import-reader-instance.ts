import { CancelledError } from '../../store/import-limits.ts';
import type { ImportReader, WorkerPort } from '../../store/import-reader.ts';

/**
 * The page's one import worker, started at its first job. A browser without module workers (and
 * the test environment) runs the jobs in place: the import still works, the page just waits.
 */
function workerPort(): WorkerPort {
  const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
  const port: WorkerPort = {
    onReply: undefined,
    onFailure: undefined,
    post: (request) => worker.postMessage(request),
    terminate: () => worker.terminate(),
  };
  worker.onmessage = (e: MessageEvent) => port.onReply?.(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    port.onFailure?.(`the import worker failed: ${e.message || 'it could not start'}`);
  };
  return port;
}

let loaded: Promise<ImportReader> | undefined;
let reader: ImportReader | undefined;
/** Bumped by `cancel`: a job asked for while the reader loaded, and cancelled meanwhile, is. */
let generation = 0;

function load(): Promise<ImportReader> {
  loaded ??= import('../../store/import-reader.ts').then((m) => {
    reader = m.createImportReader(typeof Worker === 'function' ? workerPort : m.inPlacePort);
    return reader;
  });
  return loaded;
}

/** The reader as it is once loaded; a job asked for before then waits for it. */
async function loadedFor(asked: number): Promise<ImportReader> {
  const r = await load();
  if (asked !== generation) throw new CancelledError();
  return r;
}

/**
 * The page's reader. Its code (the worker's protocol, the import plan's columns) loads with the
 * first job, not before the first map: most visits never import anything.
 */
const lazyReader: ImportReader = {
  read: async (...args) => (await loadedFor(generation)).read(...args),
  build: async (...args) => (await loadedFor(generation)).build(...args),
  loadScenario: async (...args) => (await loadedFor(generation)).loadScenario(...args),
  restore: async (...args) => (await loadedFor(generation)).restore(...args),
  cancel: () => {
    generation++;
    reader?.cancel();
  },
};

export function importReader(): ImportReader {
  return lazyReader;
}
