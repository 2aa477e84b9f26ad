/**
 * A big QEMU trace through "Debug a real host", measured against what its two halves must at
 * least cost, side by side in one process, interleaved in rounds with the median reported:
 *   - reading: the worker's build (the strict trace reader, the plan, the steps packed into
 *     columns) against JSON.parse of a JSON file of the same byte size (a scenario's steps);
 *   - applying: the page's slices (columns read back into steps, the core's Replayer, a yield
 *     to the event loop every 8 ms) against the bare engine ops, `apply` of the same actions
 *     from the same state, built beforehand.
 * The trace is churnTrace: every step is accepted, the mappings alive stay few.
 */
import { apply } from '../../src/core/engine.ts';
import type { Action } from '../../src/core/actions.ts';
import { resolveStepRefs, type ScenarioStep, startReplay } from '../../src/core/scenario/index.ts';
import type { EngineState } from '../../src/core/state.ts';
import { buildHostImport } from '../../src/store/host-import.ts';
import { packImport, type PackedImport, unpackSteps } from '../../src/store/packed-import.ts';
import { replayInSlices } from '../../src/store/sliced-replay.ts';
import { yieldToPage } from '../../src/store/yield-to-page.ts';
import { churnTrace } from './churn-trace.ts';
import { vfioPlatform } from './state.ts';

export const TRACE_ROUNDS = 3;

export interface TraceRow {
  readonly name: string;
  readonly n: number;
  readonly bytes: number;
  readonly ms: number;
  readonly baselineMs: number;
  readonly baselineName: string;
  /** The longest slice the page's replay ran without yielding, in ms. */
  readonly longestSliceMs?: number;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** A JSON array of scenario steps (hex strings, as scenario files write them) of `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const items: string[] = [];
  let length = 2;
  for (let i = 0; length < bytes; i++) {
    const at = 0x800000000 + (i % 256) * 0x200000;
    const s = JSON.stringify({
      op: 'vfio.map_dma',
      container: '$container',
      iova: `0x${at.toString(16)}`,
      size: '0x200000',
      flags: ['READ', 'WRITE'],
      vaddr: `0x${(0x7f3000000000 + at).toString(16)}`,
    });
    items.push(s);
    length += s.length + 1;
  }
  return `[${items.join(',')}]`;
}

const platform = vfioPlatform(1000);
const input = (text: string) => [{ id: 'trace', name: 'qemu-trace.log', text }];

function build(text: string): PackedImport {
  const r = buildHostImport(input(text), {
    guest: { kind: 'none' },
    traceGroup: 1,
    currentPlatform: platform,
  });
  if (!r.ok) throw new Error(r.error);
  return packImport(r.plan);
}

/** The engine's actions for the plan's steps, from the state after its container setup. */
function bareOps(packed: PackedImport): { start: EngineState; actions: Action[] } {
  const source = unpackSteps(structuredClone(packed.steps));
  const steps: ScenarioStep[] = [];
  for (let s = source.next(); s !== undefined; s = source.next()) if (s !== null) steps.push(s);
  const started = startReplay({ platform: packed.plan.scenario.platform });
  if (!started.ok) throw new Error(started.setupError);
  const setup = 3;
  for (const s of steps.slice(0, setup)) started.replayer.run(s);
  const bindings = started.replayer.bindings;
  const actions = steps.slice(setup).map((s) => resolveStepRefs(s, bindings).action);
  // Every step must be accepted: a refusal costs less than a change and would flatter both sides.
  let state = started.replayer.state;
  for (const a of actions) {
    const r = apply(state, a);
    if (!r.outcome.ok) throw new Error(`a trace step was refused: ${r.outcome.message}`);
    state = r.state;
  }
  return { start: started.replayer.state, actions };
}

export async function benchTraceImport(
  lines: number,
  log: (s: string) => void,
): Promise<TraceRow[]> {
  log(`trace: generating ${lines.toLocaleString('en-US')} lines`);
  const text = churnTrace(lines);
  const json = jsonOfSize(text.length);
  build(text.slice(0, 200_000)); // warm the JIT on a prefix
  JSON.parse(json.slice(0, 0) || '[]');

  const readMs: number[] = [];
  const jsonMs: number[] = [];
  let packed: PackedImport | undefined;
  for (let r = 0; r < TRACE_ROUNDS; r++) {
    log(`trace: reading, round ${r + 1} of ${TRACE_ROUNDS}`);
    const order = r % 2 === 0 ? ['read', 'json'] : ['json', 'read'];
    for (const which of order) {
      if (which === 'read') {
        const t = timed(() => build(text));
        readMs.push(t.ms);
        packed = t.value;
      } else {
        jsonMs.push(timed(() => JSON.parse(json) as unknown[]).ms);
      }
    }
  }
  if (!packed) throw new Error('no build');
  const built = packed;
  const steps = built.steps.count;

  const { start, actions } = bareOps(built);
  const applyMs: number[] = [];
  const bareMs: number[] = [];
  let longestSliceMs = 0;
  for (let r = 0; r < TRACE_ROUNDS; r++) {
    log(`trace: applying, round ${r + 1} of ${TRACE_ROUNDS}`);
    const order = r % 2 === 0 ? ['apply', 'bare'] : ['bare', 'apply'];
    for (const which of order) {
      // Each side starts on a collected heap (npm run bench passes --expose-gc): the garbage of
      // the rounds before is not collected in the middle of this one's slices.
      (globalThis as { gc?: () => void }).gc?.();
      if (which === 'apply') {
        // Each round reads its own columns back: a copy, as each transfer would bring.
        const columns = structuredClone(built.steps);
        let sliceStart = 0;
        const t = await timedAsync(() => {
          const source = unpackSteps(columns);
          sliceStart = performance.now();
          return replayInSlices(built.plan.scenario.platform, source, {
            yieldToPage: async () => {
              longestSliceMs = Math.max(longestSliceMs, performance.now() - sliceStart);
              await yieldToPage();
              sliceStart = performance.now();
            },
          });
        });
        if (t.value.kind !== 'done') throw new Error(t.value.kind);
        applyMs.push(t.ms);
      } else {
        bareMs.push(
          timed(() => {
            let state = start;
            for (const a of actions) state = apply(state, a).state;
            return state;
          }).ms,
        );
      }
    }
  }
  return [
    {
      name: 'read in the worker (strict reader, plan, columns) vs JSON.parse',
      n: lines,
      bytes: text.length,
      ms: median(readMs),
      baselineMs: median(jsonMs),
      baselineName: `JSON.parse of ${(json.length / 1e6).toFixed(1)} MB`,
    },
    {
      name: 'apply on the page in 8 ms slices vs bare engine apply()',
      n: steps,
      bytes: text.length,
      ms: median(applyMs),
      baselineMs: median(bareMs),
      baselineName: `apply() of ${actions.length.toLocaleString('en-US')} actions`,
      longestSliceMs,
    },
  ];
}
