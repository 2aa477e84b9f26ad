import { columnBuffers, type StepColumns } from '../core/importers/step-columns.ts';
import type { ImportedStep } from '../core/importers/types.ts';
import type { UnitChoice } from '../core/importers/index.ts';
import type { CheckReport } from '../core/analysis/index.ts';
import { save, type LoadError, type Scenario, type ScenarioStep } from '../core/scenario/index.ts';
import { asciiJson } from './ascii-json.ts';
import { type BuildInput, readKey } from './import-read-key.ts';
import { analyzeWorkspace } from './findings.ts';
import { decodeHost, encodeHost } from './host-codec.ts';
import {
  type BuildOptions,
  buildHostImport,
  type HostContext,
  type ImportInput,
  leaveOutSteps,
  type ParsedInput,
  parseInput,
} from './host-import.ts';
import { packImport, type PackedImport, packSteps } from './packed-import.ts';
import { loadScenarioText } from './scenario-files.ts';

/**
 * The work a page hands to its import worker, as messages: reading inputs for the import
 * dialog, building an import (then its findings and texts), loading a scenario file. Pure
 * functions of a request, posting replies through `post`: the worker entry (src/ui/import/
 * import-worker.ts) wires them to its port, and a page without workers runs them in place.
 * Replies are plain data (structured clone), the steps of a build as transferred columns.
 */

export type JobRequest =
  | {
      readonly id: number;
      readonly job: 'read';
      readonly inputs: readonly BuildInput[];
      readonly iommu: UnitChoice | undefined;
    }
  | {
      readonly id: number;
      readonly job: 'build';
      readonly inputs: readonly BuildInput[];
      readonly options: Omit<BuildOptions, 'onLines'>;
    }
  | { readonly id: number; readonly job: 'load-scenario'; readonly text: string }
  /** An autosaved workspace's texts, to open as it was (restore-off-page.ts). */
  | {
      readonly id: number;
      readonly job: 'restore';
      /** As Blobs when read from the autosave's parts: the worker reads them itself. */
      readonly scenarioText: string | Blob;
      readonly hostText: string | Blob | undefined;
    };

/** A text for the autosave, made into a Blob here rather than on the page. */
const textBlob = (text: string) => new Blob([text], { type: 'text/plain' });

/** What the page keeps of a built import once the worker checked it. */
export interface ImportChecks {
  readonly findings: CheckReport;
  /**
   * `save` of the plan's scenario and `encodeHost` of its host context (as ASCII, ascii-json.ts):
   * the autosave's texts, as Blobs made in the worker (autosave-parts.ts says why).
   */
  readonly scenarioText: Blob;
  readonly hostText: Blob;
}

export type JobReply =
  | {
      readonly id: number;
      readonly kind: 'lines';
      readonly input: number;
      readonly lines: number;
      readonly fraction: number;
    }
  | { readonly id: number; readonly kind: 'read'; readonly parsed: readonly ParsedInput[] }
  | {
      readonly id: number;
      readonly kind: 'built';
      readonly result:
        | { readonly ok: true; readonly packed: PackedImport }
        | { readonly ok: false; readonly error: string };
    }
  /** The checks, one reply each: a text of tens of megabytes is read in a task of its own. */
  | { readonly id: number; readonly kind: 'findings'; readonly findings: CheckReport }
  | { readonly id: number; readonly kind: 'scenario-text'; readonly text: Blob }
  | { readonly id: number; readonly kind: 'host-text'; readonly text: Blob }
  | {
      readonly id: number;
      readonly kind: 'loaded';
      readonly result:
        | { readonly ok: true; readonly scenario: Scenario; readonly steps: number }
        | { readonly ok: false; readonly errors: readonly LoadError[] };
    }
  | { readonly id: number; readonly kind: 'steps'; readonly steps: readonly ScenarioStep[] }
  /** After the last steps: `save` of the loaded scenario, the autosave's text. */
  | { readonly id: number; readonly kind: 'saved'; readonly scenarioText: Blob }
  | {
      readonly id: number;
      readonly kind: 'restored';
      readonly result:
        | { readonly ok: true; readonly restored: PackedRestore }
        | { readonly ok: false; readonly errors: readonly LoadError[] };
    }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };

/** An autosaved workspace as the worker read it: its scenario and host context, the steps as columns. */
export interface PackedRestore {
  /** With no steps: they are in `steps`. */
  readonly scenario: Scenario;
  /** With no trace steps or lines: they are in `steps`. Undefined when there was none or it did not read. */
  readonly host: HostContext | undefined;
  /** Why the saved host import did not read (the scenario opens without it). */
  readonly hostProblem: string | undefined;
  readonly steps: StepColumns<ScenarioStep | ImportedStep>;
}

export type Post = (reply: JobReply, transfer?: Transferable[]) => void;

/** A loaded scenario's steps go to the page in messages of this many: each is read in a short task. */
export const STEPS_PER_MESSAGE = 2048;

/**
 * What a worker keeps between jobs: the inputs the dialog had it read, whole, so building the
 * import does not read them again. Only the last read's are kept.
 */
export interface JobMemory {
  read: Map<string, ParsedInput>;
}

export function newJobMemory(): JobMemory {
  return { read: new Map() };
}

export type { BuildInput };

/**
 * The request as the job reads it: each input posted with its file and not its text gets the
 * text read from the file (the page sends long file inputs so, import-reader.ts), and a restore's
 * saved texts sent as Blobs are read.
 */
export async function withFileTexts(request: JobRequest): Promise<JobRequest> {
  if (request.job === 'restore') {
    const { scenarioText, hostText } = request;
    return {
      ...request,
      scenarioText: typeof scenarioText === 'string' ? scenarioText : await scenarioText.text(),
      hostText: hostText instanceof Blob ? await hostText.text() : hostText,
    };
  }
  if (request.job !== 'read' && request.job !== 'build') return request;
  const inputs = await Promise.all(
    request.inputs.map(async (i) =>
      i.file && i.text === '' && i.heldChars === undefined
        ? { ...i, text: await i.file.text() }
        : i,
    ),
  );
  return { ...request, inputs } as JobRequest;
}

/** The input with its text again, from what the worker kept of the last read. */
function withText(
  memory: JobMemory,
  input: BuildInput,
  iommu: UnitChoice | undefined,
): ImportInput {
  if (input.heldChars === undefined) return input;
  const kept = memory.read.get(readKey(input, iommu));
  if (!kept) throw new Error(`the import worker no longer holds the text of ${input.name}`);
  return kept.input;
}

function read(
  memory: JobMemory,
  input: ImportInput,
  iommu: UnitChoice | undefined,
  onLines: (lines: number, fraction: number) => void,
): ParsedInput {
  const key = readKey(input, iommu);
  const kept = memory.read.get(key);
  if (kept && kept.input.text === input.text) return kept;
  const parsed = parseInput(input, { iommu, onLines });
  memory.read.set(key, parsed);
  return parsed;
}

function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

export function runJob(request: JobRequest, post: Post, memory: JobMemory): void {
  const { id } = request;
  try {
    if (request.job === 'read') {
      const kept = new Map<string, ParsedInput>();
      const parsed = request.inputs.map((input, i) => {
        const p = read(memory, input, request.iommu, (lines, fraction) =>
          post({ id, kind: 'lines', input: i, lines, fraction }),
        );
        kept.set(readKey(input, request.iommu), p);
        return p;
      });
      memory.read = kept;
      // The page has the texts: they do not go back (a trace's is tens of megabytes).
      post({
        id,
        kind: 'read',
        parsed: parsed.map((p) => ({ ...leaveOutSteps(p), input: { ...p.input, text: '' } })),
      });
      return;
    }
    if (request.job === 'build') {
      const iommu = request.options.iommu;
      const inputs = request.inputs.map((input) => withText(memory, input, iommu));
      const parsed = inputs.map((input) => read(memory, input, iommu, () => {}));
      const built = buildHostImport(
        inputs,
        {
          ...request.options,
          onLines: (lines, fraction) => post({ id, kind: 'lines', input: -1, lines, fraction }),
        },
        parsed,
      );
      if (!built.ok) {
        post({ id, kind: 'built', result: built });
        return;
      }
      // A trace the dialog had read is not read again (traceWithSetup): its lines are all read.
      const lines = inputs.reduce((n, i) => n + lineCount(i.text), 0);
      post({ id, kind: 'lines', input: -1, lines, fraction: 1 });
      const packed = packImport(built.plan);
      post({ id, kind: 'built', result: { ok: true, packed } }, columnBuffers(packed.steps));
      // While the page applies the steps: what it would otherwise work out on its own right after.
      const { scenario, host } = built.plan;
      post({ id, kind: 'findings', findings: analyzeWorkspace(scenario, host) });
      post({ id, kind: 'scenario-text', text: textBlob(asciiJson(save(scenario))) });
      post({ id, kind: 'host-text', text: textBlob(asciiJson(encodeHost(host))) });
      return;
    }
    if (request.job === 'restore') {
      const { scenarioText, hostText } = request;
      if (typeof scenarioText !== 'string' || hostText instanceof Blob)
        throw new Error('the saved texts were not read before the restore');
      restore(id, scenarioText, hostText, post);
      return;
    }
    const loaded = loadScenarioText(request.text);
    if (!loaded.ok) {
      post({ id, kind: 'loaded', result: loaded });
      return;
    }
    const { steps, ...rest } = loaded.scenario;
    post({
      id,
      kind: 'loaded',
      result: { ok: true, scenario: { ...rest, steps: [] }, steps: steps.length },
    });
    for (let at = 0; at < steps.length; at += STEPS_PER_MESSAGE)
      post({ id, kind: 'steps', steps: steps.slice(at, at + STEPS_PER_MESSAGE) });
    post({ id, kind: 'saved', scenarioText: textBlob(asciiJson(save(loaded.scenario))) });
  } catch (e) {
    post({ id, kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Reads an autosaved workspace: the scenario (a saved one that does not load is refused), then its
 * host import (one that does not decode is left out, with why), the steps sent once as columns,
 * then the findings, as a build sends them.
 */
function restore(id: number, scenarioText: string, hostText: string | undefined, post: Post): void {
  const loaded = loadScenarioText(scenarioText);
  if (!loaded.ok) {
    post({ id, kind: 'restored', result: { ok: false, errors: loaded.errors } });
    return;
  }
  const { scenario } = loaded;
  const decoded = hostText === undefined ? undefined : decodeHost(hostText);
  const host = decoded?.ok ? decoded.host : undefined;
  const steps = packSteps(scenario.steps, host?.steps ?? [], host?.stepLines ?? []);
  const restored: PackedRestore = {
    scenario: { ...scenario, steps: [] },
    host: host ? { ...host, steps: [], stepLines: [] } : undefined,
    hostProblem: decoded && !decoded.ok ? decoded.error : undefined,
    steps,
  };
  post({ id, kind: 'restored', result: { ok: true, restored } }, columnBuffers(steps));
  if (host) post({ id, kind: 'findings', findings: analyzeWorkspace(scenario, host) });
}
