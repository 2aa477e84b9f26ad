import type { CheckReport } from '../core/analysis/index.ts';
import type { UnitChoice } from '../core/importers/index.ts';
import type { LoadError, Scenario, ScenarioStep } from '../core/scenario/index.ts';
import type { BuildOptions, ImportInput, ParsedInput } from './host-import.ts';
import type {
  ImportChecks,
  JobMemory,
  JobReply,
  JobRequest,
  PackedRestore,
} from './import-jobs.ts';
import { inputLength, readKey } from './import-read-key.ts';
import type { PackedImport } from './packed-import.ts';
import { yieldToPage } from './yield-to-page.ts';

/**
 * The page's side of the import worker: each job a promise, progress through callbacks.
 * `cancel` stops every job at once by ending the worker (a job in the middle of reading a trace
 * has no point to stop at), and the next job starts a new one.
 */

import { CancelledError, OFF_PAGE_CHARS } from './import-limits.ts';

export { CancelledError, OFF_PAGE_CHARS };

/** How the reader talks to a worker (or runs the jobs in place, `inPlacePort`). */
export interface WorkerPort {
  post(request: JobRequest): void;
  /** Set by the reader: called with every reply, in order. */
  onReply: ((reply: JobReply) => void) | undefined;
  /** Set by the reader: the worker failed as a whole (did not load, ran out of memory). */
  onFailure: ((message: string) => void) | undefined;
  terminate(): void;
}

export type LinesProgress = (input: number, lines: number, fraction: number) => void;

export interface BuiltImport {
  readonly result:
    | { readonly ok: true; readonly packed: PackedImport }
    | { readonly ok: false; readonly error: string };
  /** The findings and autosave texts the worker works out while the page applies the steps. */
  readonly checks: Promise<ImportChecks>;
}

export type LoadedScenario =
  | {
      readonly ok: true;
      readonly scenario: Scenario;
      /** The scenario's `save` text, for the autosave (a Blob made in the worker). */
      readonly scenarioText: Blob;
    }
  | { readonly ok: false; readonly errors: readonly LoadError[] };

export interface ImportReader {
  /** Reads inputs for the dialog; their steps are left out (`leaveOutSteps`). */
  read(
    inputs: readonly ImportInput[],
    iommu: UnitChoice | undefined,
    onLines?: LinesProgress,
  ): Promise<ParsedInput[]>;
  /** Builds the import: the plan with its steps as columns. */
  build(
    inputs: readonly ImportInput[],
    options: Omit<BuildOptions, 'onLines'>,
    onLines?: (lines: number, fraction: number) => void,
  ): Promise<BuiltImport>;
  /** Loads scenario file text; `onSteps` hears how many of its steps arrived. */
  loadScenario(
    text: string,
    onSteps?: (received: number, total: number) => void,
  ): Promise<LoadedScenario>;
  /**
   * Reads an autosaved workspace's texts; `findings` is the host import's (undefined without
   * one), worked out after the reply, while the page replays the steps.
   */
  restore(
    scenarioText: string | Blob,
    hostText: string | Blob | undefined,
  ): Promise<RestoredWorkspace>;
  cancel(): void;
}

export type RestoredWorkspace =
  | {
      readonly ok: true;
      readonly restored: PackedRestore;
      readonly findings: Promise<CheckReport> | undefined;
    }
  | { readonly ok: false; readonly errors: readonly LoadError[] };

/** A request without its id (the reader numbers them). */
type RequestBody = {
  [K in JobRequest['job']]: Omit<Extract<JobRequest, { job: K }>, 'id'>;
}[JobRequest['job']];

interface Pending {
  readonly onReply: (reply: JobReply) => void;
  readonly reject: (e: Error) => void;
}

/** A long input read from a file goes to the worker as the file, which it reads itself. */
function byFile(input: ImportInput): ImportInput {
  return input.file && inputLength(input) > OFF_PAGE_CHARS ? { ...input, text: '' } : input;
}

/** What identifies an input's content: its file when the page did not read it, else its text. */
const contentOf = (i: ImportInput): string | Blob =>
  i.fileBytes !== undefined && i.file ? i.file : i.text;

export function createImportReader(spawn: () => WorkerPort): ImportReader {
  let port: WorkerPort | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  // The texts the worker holds from its last read (as its JobMemory does), by readKey: a build
  // of the same inputs is sent without them.
  let held = new Map<string, string | Blob>();

  function portOf(): WorkerPort {
    if (port) return port;
    const p = spawn();
    p.onReply = (reply) => {
      if (p !== port) return;
      const job = pending.get(reply.id);
      if (!job) return;
      if (reply.kind === 'failed') {
        pending.delete(reply.id);
        job.reject(new Error(reply.message));
        return;
      }
      job.onReply(reply);
    };
    p.onFailure = (message) => {
      if (p !== port) return;
      end(new Error(message));
    };
    port = p;
    return p;
  }

  /** Ends the worker and every job with `error`; the next job starts a new worker. */
  function end(error: Error): void {
    const p = port;
    port = undefined;
    held = new Map();
    p?.terminate();
    const jobs = [...pending.values()];
    pending.clear();
    for (const j of jobs) j.reject(error);
  }

  function start(
    request: RequestBody,
    onReply: (reply: JobReply, done: () => void) => void,
    reject: (e: Error) => void,
  ): void {
    const id = nextId++;
    pending.set(id, { onReply: (r) => onReply(r, () => pending.delete(id)), reject });
    portOf().post({ ...request, id } as JobRequest);
  }

  return {
    read(inputs, iommu, onLines) {
      // The worker replaces what it holds when this read ends: until then, claim nothing.
      held = new Map();
      return new Promise((resolve, reject) =>
        start(
          { job: 'read', inputs: inputs.map(byFile), iommu },
          (r, done) => {
            if (r.kind === 'lines') onLines?.(r.input, r.lines, r.fraction);
            else if (r.kind === 'read') {
              done();
              held = new Map(inputs.map((i) => [readKey(i, iommu), contentOf(i)]));
              // The worker sends the inputs back without their texts: they are the page's.
              resolve(r.parsed.map((p, i) => ({ ...p, input: inputs[i] ?? p.input })));
            }
          },
          reject,
        ),
      );
    },
    build(inputs, options, onLines) {
      return new Promise((resolve, reject) => {
        let checked: { resolve: (c: ImportChecks) => void; reject: (e: Error) => void };
        const checks = new Promise<ImportChecks>((res, rej) => {
          checked = { resolve: res, reject: rej };
        });
        // A build that fails never checks: nobody waits for it, so its rejection is no error.
        checks.catch(() => {});
        let findings: CheckReport | undefined;
        let scenarioText: Blob | undefined;
        // Each input the worker holds goes without its text.
        const sent = inputs.map((i) =>
          held.get(readKey(i, options.iommu)) === contentOf(i)
            ? { ...i, text: '', heldChars: inputLength(i) }
            : byFile(i),
        );
        start(
          { job: 'build', inputs: sent, options },
          (r, done) => {
            if (r.kind === 'lines') onLines?.(r.lines, r.fraction);
            else if (r.kind === 'built') {
              if (!r.result.ok) done();
              resolve({ result: r.result, checks });
            } else if (r.kind === 'findings') findings = r.findings;
            else if (r.kind === 'scenario-text') scenarioText = r.text;
            else if (r.kind === 'host-text' && findings && scenarioText !== undefined) {
              done();
              checked.resolve({ findings, scenarioText, hostText: r.text });
            }
          },
          (e) => {
            reject(e);
            checked.reject(e);
          },
        );
      });
    },
    loadScenario(text, onSteps) {
      return new Promise((resolve, reject) => {
        let scenario: Scenario | undefined;
        let total = 0;
        const steps: ScenarioStep[] = [];
        start(
          { job: 'load-scenario', text },
          (r, done) => {
            if (r.kind === 'loaded') {
              if (!r.result.ok) {
                done();
                resolve(r.result);
                return;
              }
              scenario = r.result.scenario;
              total = r.result.steps;
              onSteps?.(0, total);
            } else if (r.kind === 'steps') {
              for (const s of r.steps) steps.push(s);
              onSteps?.(steps.length, total);
            } else if (r.kind === 'saved' && scenario) {
              done();
              resolve({ ok: true, scenario: { ...scenario, steps }, scenarioText: r.scenarioText });
            }
          },
          reject,
        );
      });
    },
    restore(scenarioText, hostText) {
      return new Promise((resolve, reject) => {
        let found: { resolve: (f: CheckReport) => void; reject: (e: Error) => void } | undefined;
        start(
          { job: 'restore', scenarioText, hostText },
          (r, done) => {
            if (r.kind === 'restored') {
              if (!r.result.ok || !r.result.restored.host) {
                done();
                resolve(r.result.ok ? { ...r.result, findings: undefined } : r.result);
                return;
              }
              const findings = new Promise<CheckReport>((res, rej) => {
                found = { resolve: res, reject: rej };
              });
              // Nobody may wait for the findings (the restore failed further on): no error then.
              findings.catch(() => {});
              resolve({ ok: true, restored: r.result.restored, findings });
            } else if (r.kind === 'findings') {
              done();
              found?.resolve(r.findings);
            }
          },
          (e) => {
            reject(e);
            found?.reject(e);
          },
        );
      });
    },
    cancel() {
      end(new CancelledError());
    },
  };
}

/**
 * The jobs run on the page itself, one task after the request (no worker: a test environment, a
 * browser that refuses the worker). The page waits while a job runs; a cancel drops its replies.
 */
export function inPlacePort(): WorkerPort {
  // The jobs' code (importers, analysis) loads with the first job: the first map does without it.
  let jobs: Promise<{ run: typeof import('./import-jobs.ts'); memory: JobMemory }> | undefined;
  const loadJobs = () =>
    (jobs ??= import('./import-jobs.ts').then((run) => ({ run, memory: run.newJobMemory() })));
  let ended = false;
  let queue: Promise<void> = Promise.resolve();
  const port: WorkerPort = {
    onReply: undefined,
    onFailure: undefined,
    post(request) {
      queue = queue
        .then(() => yieldToPage())
        .then(async () => {
          const { run, memory } = await loadJobs();
          const read = await run.withFileTexts(request);
          if (!ended) run.runJob(read, (reply) => !ended && port.onReply?.(reply), memory);
        });
    },
    terminate() {
      ended = true;
    },
  };
  return port;
}
