import { describe, expect, it } from 'vitest';
import { churnTrace } from '../bench/churn-trace.ts';
import type { JobRequest } from '../../src/store/import-jobs.ts';
import { createImportReader, inPlacePort, type WorkerPort } from '../../src/store/import-reader.ts';
import type { BuildOptions, ImportInput } from '../../src/store/host-import.ts';

/** A build of inputs the worker has just read does not post their texts to it again. */

const TRACE: ImportInput = { id: 't', name: 'trace.log', text: churnTrace(500) };
const OPTIONS: Omit<BuildOptions, 'onLines'> = {
  guest: { kind: 'none' },
  traceGroup: 4,
  currentPlatform: undefined,
  iommu: undefined,
};

/** The reader's worker run in place, with every request it was posted. */
function recordingReader() {
  const posted: JobRequest[] = [];
  const reader = createImportReader(() => {
    const port = inPlacePort();
    const recording: WorkerPort = {
      onReply: undefined,
      onFailure: undefined,
      post: (r) => {
        posted.push(r);
        port.post(r);
      },
      terminate: () => port.terminate(),
    };
    port.onReply = (reply) => recording.onReply?.(reply);
    return recording;
  });
  const builds = () =>
    posted.flatMap((r) => (r.job === 'build' ? [r.inputs.map((i) => i.text.length)] : []));
  return { reader, builds };
}

describe('the import worker keeps the texts it read', () => {
  it('a build after a read sends no text and builds what a build with the text builds', async () => {
    const { reader, builds } = recordingReader();
    const plain = await createImportReader(inPlacePort).build([TRACE], OPTIONS);
    await reader.read([TRACE], undefined);
    const held = await reader.build([TRACE], OPTIONS);
    expect(builds()).toEqual([[0]]);
    expect(held.result).toEqual(plain.result);
  });

  it('an input changed since the read, or a worker ended since, gets its text sent', async () => {
    const { reader, builds } = recordingReader();
    await reader.read([TRACE], undefined);
    const edited = { ...TRACE, text: `${TRACE.text}\n` };
    await reader.build([edited], OPTIONS);
    expect(builds().at(-1)).toEqual([edited.text.length]);
    await reader.read([TRACE], undefined);
    reader.cancel();
    const after = await reader.build([TRACE], OPTIONS);
    expect(builds().at(-1)).toEqual([TRACE.text.length]);
    expect(after.result.ok).toBe(true);
  });
});
