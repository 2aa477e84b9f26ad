import { guestFromPreset, parseGuestPreset } from '../core/importers/guest-presets.ts';
import {
  detectKind,
  type GuestLayout,
  type HostFacts,
  type ImportedStep,
  importText,
  type ImportResult,
  type InputKind,
  mergeImports,
  type PastePiece,
  type PlacedEvent,
  type UnitChoice,
  type UnparsedLine,
} from '../core/importers/index.ts';
import { traceSetupSteps } from '../core/importers/qemu-trace.ts';
import { guestFromScenario, toScenario } from '../core/importers/to-scenario.ts';
import { isVfioDriver } from '../core/iommu/ownership.ts';
import type { PlatformInput } from '../core/platform/normalize.ts';
import type { Scenario } from '../core/scenario/index.ts';
import { deviceLabel } from '../view/model/pci-class.ts';

/**
 * "Debug a real host": the inputs a user pastes or drops (the collect-host.sh bundle, sysfs and
 * lspci listings, /proc/iomem, dmesg, info mtree, a QEMU trace, error lines), each read by the
 * core importers (src/core/importers), merged, given a guest layout, and turned into one scenario
 * plus the host facts and placed lines the analysis needs. Pure: the dialog and the tests call it.
 */

export interface ImportInput {
  readonly id: string;
  /** A file name, or "pasted text". */
  readonly name: string;
  readonly text: string;
  /** The user's override of the detected kind. */
  readonly kind?: InputKind | undefined;
  /**
   * The file the text was read from: the import worker reads it again itself rather than be
   * posted the text (posting a 100 MB trace held the page a quarter of a second).
   */
  readonly file?: Blob | undefined;
  /**
   * Set, with `text` empty, for a file too long to read on the page (reading a 100 MB trace into
   * a string there held it 100-320 ms): its size in bytes. Only the worker reads it.
   */
  readonly fileBytes?: number | undefined;
}

/** What an input was read as: one importer's kind, or `mixed` when a paste was cut into pieces of several kinds. */
export type ReadKind = InputKind | 'mixed';

export interface ParsedInput {
  readonly input: ImportInput;
  /** What the text was read as without an override (with one: what `detectKind` says). */
  readonly detected: ReadKind | undefined;
  /** The kind it was read as (override, else what the paste held); undefined when it could not be told. */
  readonly kind: ReadKind | undefined;
  readonly result: ImportResult | undefined;
  readonly error: string | undefined;
  /**
   * What was understood, worked out before the steps were left out of `result` (`leaveOutSteps`:
   * an input read in a worker comes back without its million steps, which the dialog only counts).
   */
  readonly summary?: { readonly understood: Understood; readonly pieces: readonly PieceReport[] };
}

export interface ParseOptions {
  /** The group a QEMU trace's steps replay into (its container setup is added for it). */
  readonly traceGroup?: number | undefined;
  /** The user's pick of the IOMMU unit for grouped devices no input assigns. */
  readonly iommu?: UnitChoice | undefined;
  /** Progress of a long QEMU trace: lines read and the fraction of the text. */
  readonly onLines?: ((lines: number, fraction: number) => void) | undefined;
}

/**
 * Reads one input. Without an override the text is not given a kind: `importText` cleans it and
 * cuts it into pieces by kind (a pasted terminal session, mail or forum post); an override reads
 * the whole input as that kind.
 */
export function parseInput(input: ImportInput, options: ParseOptions = {}): ParsedInput {
  const r = importText(input.text, {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(options.traceGroup !== undefined ? { group: options.traceGroup } : {}),
    ...(options.iommu ? { iommu: options.iommu } : {}),
    ...(options.onLines ? { onLines: options.onLines } : {}),
  });
  if (!r.ok) {
    const detected = input.kind ? detectKind(input.text) : undefined;
    return {
      input,
      detected,
      kind: input.kind,
      result: undefined,
      error: input.kind ? r.error : 'could not tell what this text is: choose its kind',
    };
  }
  const detected = input.kind ? detectKind(input.text) : r.result.kind;
  return { input, detected, kind: input.kind ?? r.result.kind, result: r.result, error: undefined };
}

/** Whether an input was read as `kind`, whole or as one of its pieces. */
export function readsAs(p: ParsedInput, kind: InputKind): boolean {
  return p.kind === kind || (p.result?.pieces ?? []).some((piece) => piece.kind === kind);
}

/** What one import understood, in counts and a short list for the dialog. */
export interface Understood {
  readonly groups: readonly number[];
  readonly devices: number;
  readonly regions: number;
  readonly iommus: number;
  readonly guestSections: number;
  readonly steps: number;
  readonly events: number;
  readonly iomem: number;
  /** A few lines naming what was read ("group 3: 0000:03:00.0, 0000:02:08.0"). */
  readonly sample: readonly string[];
}

const SAMPLE = 6;

export function understood(result: ImportResult): Understood {
  const p = result.scenario.platform ?? {};
  const groups = new Map<number, string[]>();
  for (const d of p.devices ?? [])
    if (d.group !== undefined) groups.set(d.group, [...(groups.get(d.group) ?? []), d.bdf]);
  for (const r of p.reservedRegions ?? [])
    if (r.group !== undefined && !groups.has(r.group)) groups.set(r.group, []);
  const sample: string[] = [];
  for (const [g, devs] of [...groups].sort((a, b) => a[0] - b[0]).slice(0, SAMPLE)) {
    const regions = (p.reservedRegions ?? []).filter((r) => r.group === g).map((r) => r.type);
    sample.push(
      `group ${g}: ${devs.join(', ') || 'no device listed'}${regions.length ? ` · ${regions.join(', ')}` : ''}`,
    );
  }
  if (groups.size === 0) {
    for (const d of (p.devices ?? []).slice(0, SAMPLE))
      sample.push(`${d.bdf} ${deviceLabel(d)}`.trim());
  }
  for (const s of (result.scenario.guest?.memory ?? []).slice(0, SAMPLE))
    sample.push(`guest ${s.kind} ${s.name}`);
  for (const e of result.events.slice(0, SAMPLE)) sample.push(`line ${e.line}: ${e.detail}`);
  const steps = (result.scenario.steps ?? []).filter(
    (s) => s.op === 'vfio.map_dma' || s.op === 'vfio.unmap_dma',
  );
  return {
    groups: [...groups.keys()].sort((a, b) => a - b),
    devices: p.devices?.length ?? 0,
    regions: p.reservedRegions?.length ?? 0,
    iommus: p.iommus?.length ?? 0,
    guestSections: result.scenario.guest?.memory.length ?? 0,
    steps: steps.length,
    events: result.events.length,
    iomem: result.iomem?.length ?? 0,
    sample,
  };
}

/** One piece of a paste, and what its importer understood of it. */
export interface PieceReport {
  readonly piece: PastePiece;
  readonly understood: Understood;
}

/**
 * The pieces a paste was cut into, each with what its importer understood. The core reports a
 * piece's line range, command, notes and unread lines; the counts come from reading the piece
 * again with its importer (the same cleaned lines the paste reader gave it).
 */
export function pieceReports(p: ParsedInput): readonly PieceReport[] {
  if (p.summary) return p.summary.pieces;
  return (p.result?.pieces ?? []).map((piece) => ({ piece, understood: understood(piece.result) }));
}

/** What an input was understood as (its summary when its steps were left out). */
export function inputUnderstood(p: ParsedInput): Understood | undefined {
  return p.summary?.understood ?? (p.result ? understood(p.result) : undefined);
}

/** The input holds QEMU trace steps (which replay into a group's container). */
export function hasTraceSteps(p: ParsedInput): boolean {
  if (!readsAs(p, 'qemu-trace')) return false;
  return p.summary ? p.summary.understood.steps > 0 : (p.result?.scenario.steps?.length ?? 0) > 0;
}

function withoutSteps(r: ImportResult): ImportResult {
  const { steps: _steps, ...scenario } = r.scenario;
  const { stepLines: _lines, ...rest } = r;
  return {
    ...rest,
    scenario,
    ...(r.pieces
      ? { pieces: r.pieces.map((p) => ({ ...p, result: withoutSteps(p.result) })) }
      : {}),
  };
}

/**
 * The input with its steps (and their line numbers) left out of its result and its pieces', and
 * what was understood of them kept in `summary`: what a worker sends the page for the dialog,
 * which shows counts; the steps themselves cross once, as columns, when the import is built.
 */
export function leaveOutSteps(p: ParsedInput): ParsedInput {
  if (!p.result || p.summary) return p;
  const result = withoutSteps(p.result);
  const counted = pieceReports(p);
  return {
    ...p,
    result,
    summary: {
      understood: understood(p.result),
      pieces: (result.pieces ?? []).map((piece, i) => ({
        piece,
        understood: (counted[i] as PieceReport).understood,
      })),
    },
  };
}

/** The pasted lines outside every piece: text around the output, given to no importer. */
export function aroundLines(result: ImportResult): UnparsedLine[] {
  const pieces = result.pieces ?? [];
  if (pieces.length === 0) return [];
  return result.unparsed.filter(
    (u) => !pieces.some((piece) => u.line >= piece.first && u.line <= piece.last),
  );
}

/** The guest layout the user picks: none, a QEMU machine preset, or the layout an imported info mtree gave. */
export type GuestChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'preset'; readonly spec: string }
  | { readonly kind: 'mtree' };

export type GuestResolution =
  { ok: true; guest: GuestLayout | undefined } | { ok: false; error: string };

export function resolveGuest(choice: GuestChoice, parsed: readonly ParsedInput[]): GuestResolution {
  if (choice.kind === 'none') return { ok: true, guest: undefined };
  if (choice.kind === 'mtree') {
    const g = [...parsed]
      .reverse()
      .find((p) => p.result?.scenario.guest && p.result.scenario.guest.memory.length > 0)?.result
      ?.scenario.guest;
    return g
      ? { ok: true, guest: g }
      : { ok: false, error: 'no imported input holds a guest layout (QEMU "info mtree")' };
  }
  const p = parseGuestPreset(choice.spec);
  return p.ok ? { ok: true, guest: guestFromPreset(p.params) } : { ok: false, error: p.error };
}

/** "amd" / "intel" from the bundle's CPU vendor, for the q35 preset's AMD 1 TiB relocation. */
export function hostVendor(host: HostFacts | undefined): 'amd' | 'intel' | undefined {
  const v = host?.cpuVendor ?? '';
  if (/AuthenticAMD|HygonGenuine/i.test(v)) return 'amd';
  if (/GenuineIntel/i.test(v)) return 'intel';
  return undefined;
}

/** What the workspace keeps of an import beyond the scenario file: for the findings. */
export interface HostContext {
  readonly facts: HostFacts;
  /** Pasted error and fault lines, placed on the axis. */
  readonly events: readonly PlacedEvent[];
  /** The imported trace's DMA steps and their line numbers (replayed again by the analysis). */
  readonly steps: readonly ImportedStep[];
  readonly stepLines: readonly number[];
  /** The full guest layout (with notes and vIOMMU width, which the scenario file does not keep). */
  readonly guest: GuestLayout | undefined;
  readonly sources: readonly string[];
}

export interface HostImportPlan {
  readonly scenario: Scenario;
  readonly host: HostContext;
  readonly notes: readonly string[];
  /** The inputs held no platform: the workspace's current one is kept. */
  readonly keptPlatform: boolean;
}

export interface BuildOptions {
  readonly guest: GuestChoice;
  /** The group a QEMU trace replays into (its container setup is added for it). */
  readonly traceGroup: number | undefined;
  /** The workspace's platform, kept when the inputs hold none (only error lines were pasted). */
  readonly currentPlatform?: PlatformInput | undefined;
  /** The user's pick of the IOMMU unit for grouped devices no input assigns. */
  readonly iommu?: UnitChoice | undefined;
  /** Progress of reading a long QEMU trace with its container setup. */
  readonly onLines?: ((lines: number, fraction: number) => void) | undefined;
}

export type BuildResult = { ok: true; plan: HostImportPlan } | { ok: false; error: string };

/** The groups of a merged platform, the ones bound to vfio first (the usual trace target). */
export function platformGroups(platform: PlatformInput | undefined): {
  groups: number[];
  vfio: number[];
} {
  const groups = new Set<number>();
  const vfio = new Set<number>();
  for (const d of platform?.devices ?? []) {
    if (d.group === undefined) continue;
    groups.add(d.group);
    if (isVfioDriver(d.hostDriver)) vfio.add(d.group);
  }
  for (const r of platform?.reservedRegions ?? []) if (r.group !== undefined) groups.add(r.group);
  const sort = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { groups: sort(groups), vfio: sort(vfio) };
}

export function mergeParsed(parsed: readonly ParsedInput[], iommu?: UnitChoice) {
  return mergeImports(
    parsed.flatMap((p) =>
      p.result
        ? [
            {
              scenario: p.result.scenario,
              events: p.result.events,
              ...(p.result.host ? { host: p.result.host } : {}),
            },
          ]
        : [],
    ),
    iommu,
  );
}

/**
 * A trace's steps with the container setup for `group` in front, and their lines: what reading
 * it again with the group gives. A text read as one QEMU trace gets the setup once, before its
 * first step (qemu-trace.ts), so the steps already read are kept: a trace of a million lines is
 * not read twice. A paste with the trace among other pieces is read again.
 */
export function traceWithSetup(
  p: ParsedInput,
  group: number,
  options: ParseOptions = {},
): { steps: readonly ImportedStep[]; stepLines: readonly number[] } {
  const r = p.result;
  if (r?.kind === 'qemu-trace' && r.scenario.steps) {
    return {
      steps: [...traceSetupSteps(group), ...r.scenario.steps],
      stepLines: [0, 0, 0, ...(r.stepLines ?? [])],
    };
  }
  const again = parseInput(p.input, { ...options, traceGroup: group }).result;
  return { steps: again?.scenario.steps ?? [], stepLines: again?.stepLines ?? [] };
}

/**
 * The scenario an import opens: the merged platform (or the current one), the chosen guest
 * layout, and the trace's steps (re-read with the container setup for `traceGroup`).
 */
export function buildHostImport(
  inputs: readonly ImportInput[],
  options: BuildOptions,
  /** The inputs already read with `options.iommu` (a worker keeps what it read for the dialog). */
  read?: readonly ParsedInput[],
): BuildResult {
  const iommu = options.iommu ? { iommu: options.iommu } : {};
  const parsed = read ?? inputs.map((i) => parseInput(i, iommu));
  if (!parsed.some((p) => p.result))
    return {
      ok: false,
      error: 'nothing was understood: paste or drop a host bundle, a listing or error lines',
    };
  const merged = mergeParsed(parsed, options.iommu);
  const guestR = resolveGuest(options.guest, parsed);
  if (!guestR.ok) return { ok: false, error: `guest layout: ${guestR.error}` };
  const keptPlatform = !merged.scenario.platform;
  const platform = merged.scenario.platform ?? options.currentPlatform;
  const notes: string[] = [];
  if (keptPlatform)
    notes.push(
      options.currentPlatform
        ? 'the inputs hold no host platform: the current workspace platform is kept'
        : 'the inputs hold no host platform',
    );

  // Trace steps: read again with the container setup for the chosen group, so they replay.
  const steps: ImportedStep[] = [];
  const dmaSteps: ImportedStep[] = [];
  const stepLines: number[] = [];
  for (const p of parsed) {
    if (!p.result?.scenario.steps?.length) continue;
    const trace = readsAs(p, 'qemu-trace');
    const withSetup =
      trace && options.traceGroup !== undefined
        ? traceWithSetup(p, options.traceGroup, { ...iommu, onLines: options.onLines })
        : { steps: p.result.scenario.steps, stepLines: p.result.stepLines ?? [] };
    const lines = withSetup.stepLines;
    withSetup.steps.forEach((s, i) => {
      steps.push(s);
      if (s.op === 'vfio.map_dma' || s.op === 'vfio.unmap_dma') {
        dmaSteps.push(s);
        stepLines.push(lines[i] ?? 0);
      }
    });
    if (trace && options.traceGroup === undefined)
      notes.push('the trace is not replayed on the map: choose the group it replays into');
  }
  const replayable = steps.filter(
    (s) => !(options.traceGroup === undefined && 'container' in s && s.container === '$container'),
  );
  const names = inputs.map((i) => i.name);
  const scenario = toScenario(
    {
      ...(platform ? { platform } : {}),
      ...(guestR.guest ? { guest: guestR.guest } : {}),
      steps: replayable,
    },
    {
      title: `Host import: ${names.join(', ')}`,
      description: [
        ...parsed.flatMap((p) => p.result?.notes ?? []),
        ...(guestR.guest?.notes ?? []),
      ].join('\n'),
    },
  );
  return {
    ok: true,
    plan: {
      scenario,
      host: {
        facts: merged.host,
        events: merged.events,
        steps: dmaSteps,
        stepLines,
        guest: guestR.guest,
        sources: names,
      },
      notes,
      keptPlatform,
    },
  };
}

/** The guest layout a workspace shows and checks: the import's full one, else the scenario's own. */
export function workspaceGuest(
  scenario: Scenario,
  host: HostContext | undefined,
): GuestLayout | undefined {
  if (host?.guest) return host.guest;
  const g = guestFromScenario(scenario.guest);
  return g.ok ? g.guest : undefined;
}
