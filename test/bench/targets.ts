import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The performance goals as data: each target is a measured value, its unit, the bound it must
 * meet and whether it holds, computed here from the value (never typed in). `npm run bench`
 * writes them to bench/results.json so a machine can read which goals hold on this run.
 */
export interface BenchTarget {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The bound, as text: "<= 3" or ">= 25". */
  readonly target: string;
  readonly holds: boolean;
}

export function atMost(name: string, value: number, unit: string, bound: number): BenchTarget {
  return { name, value: round(value), unit, target: `<= ${bound}`, holds: value <= bound };
}

export function atLeast(name: string, value: number, unit: string, bound: number): BenchTarget {
  return { name, value: round(value), unit, target: `>= ${bound}`, holds: value >= bound };
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v;
}

/** One engine measurement as engine-cow.ts reports it. */
export interface EngineMeasure {
  readonly name: string;
  readonly n: number;
  readonly ns: number;
  readonly baselineNs?: number;
}

/**
 * Engine targets: at the largest n, each op against its bare copy-on-write op (≤ 3×); and from
 * the smallest to the largest n, the engine's own growth in cost per op over the bare op's growth
 * (≤ 1.5×), so the engine does not get slower with size faster than the tree under it.
 */
export function engineTargets(rows: readonly EngineMeasure[]): BenchTarget[] {
  const out: BenchTarget[] = [];
  const byName = new Map<string, EngineMeasure[]>();
  for (const r of rows) {
    if (r.baselineNs === undefined || !r.name.startsWith('engine ')) continue;
    byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  }
  for (const [name, list] of byName) {
    const sorted = [...list].sort((a, b) => a.n - b.n);
    const small = sorted[0] as EngineMeasure;
    const large = sorted[sorted.length - 1] as EngineMeasure;
    const op = name.replace(/^engine /, '');
    out.push(
      atMost(
        `${op} at ${large.n} mappings vs bare clone+op`,
        large.ns / (large.baselineNs as number),
        'x',
        3,
      ),
    );
    if (large.n > small.n) {
      const growth = large.ns / small.ns / (large.baselineNs! / small.baselineNs!);
      out.push(
        atMost(
          `${op} cost growth ${small.n} -> ${large.n} over the bare op's growth`,
          growth,
          'x',
          1.5,
        ),
      );
    }
  }
  return out;
}

export interface BenchResults {
  readonly targets: readonly BenchTarget[];
  readonly machine: { readonly node: string; readonly cpus: number; readonly platform: string };
  readonly date: string;
  readonly quick: boolean;
  readonly rows: readonly Record<string, string>[];
}

export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** The targets as a table for the terminal. */
export function targetTable(targets: readonly BenchTarget[]): string {
  const w = Math.max(...targets.map((t) => t.name.length), 6);
  return targets
    .map(
      (t) =>
        `${(t.holds ? 'holds' : 'MISSES').padEnd(6)}  ${t.name.padEnd(w)}  ${String(t.value).padStart(10)} ${t.unit.padEnd(10)} target ${t.target}`,
    )
    .join('\n');
}
