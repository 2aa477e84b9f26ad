import {
  createImportReader,
  type ImportReader,
  inPlacePort,
  type WorkerPort,
} from '../../store/import-reader.ts';

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

let reader: ImportReader | undefined;

export function importReader(): ImportReader {
  reader ??= createImportReader(typeof Worker === 'function' ? workerPort : inPlacePort);
  return reader;
}
