import {
  SCENARIO_FORMAT,
  type Scenario,
  type ScenarioGuest,
  type ScenarioStep,
} from '../scenario/index.ts';
import { guestFromPreset, parseGuestPreset } from './guest-presets.ts';
import type { GuestLayout, GuestSectionKind, ImportedStep, PartialScenario } from './types.ts';

/**
 * Between importer output and the scenario file format (`iova-explorer.scenario/1`, owned by
 * src/core/scenario): no second schema — an imported partial scenario becomes a `Scenario` that
 * the scenario module's `save` writes, and a loaded scenario's guest becomes a `GuestLayout`.
 */

export function toScenario(
  partial: PartialScenario,
  meta: { title?: string; description?: string } = {},
): Scenario {
  const steps = (partial.steps ?? []).map(toStep);
  return {
    format: SCENARIO_FORMAT,
    ...(meta.title ? { title: meta.title } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    ...(partial.platform ? { platform: partial.platform as Scenario['platform'] } : {}),
    ...(partial.guest ? { guest: toScenarioGuest(partial.guest) } : {}),
    steps,
  } as Scenario;
}

function toStep(s: ImportedStep): ScenarioStep {
  return { ...s, ...('flags' in s ? { flags: [...s.flags] } : {}) } as unknown as ScenarioStep;
}

export function toScenarioGuest(g: GuestLayout): ScenarioGuest {
  return {
    machine: g.machine,
    memory: g.memory.map((m) => ({ start: m.start, last: m.last, kind: m.kind, name: m.name })),
  };
}

const KINDS: readonly GuestSectionKind[] = [
  'ram',
  'rom',
  'mmio',
  'pci-hole',
  'msi',
  'bar',
  'reserved',
];

/** A scenario's `guest` as a layout: its preset expanded, then its explicit memory entries. */
export function guestFromScenario(
  g: ScenarioGuest | undefined,
): { ok: true; guest: GuestLayout | undefined } | { ok: false; error: string } {
  if (!g) return { ok: true, guest: undefined };
  let base: GuestLayout | undefined;
  if (g.preset) {
    const p = parseGuestPreset(g.preset);
    if (!p.ok) return { ok: false, error: `guest.preset: ${p.error}` };
    base = guestFromPreset(p.params);
  }
  const memory = (g.memory ?? []).map((m, i) => ({
    start: m.start,
    last: m.last,
    kind: (KINDS as readonly string[]).includes(m.kind ?? 'ram')
      ? ((m.kind ?? 'ram') as GuestSectionKind)
      : 'mmio',
    name: m.name ?? `memory[${i}]`,
  }));
  if (!base && memory.length === 0) return { ok: true, guest: undefined };
  return {
    ok: true,
    guest: {
      machine: g.machine ?? base?.machine ?? 'custom',
      memory: [...(base?.memory ?? []), ...memory],
      ...(base?.notes ? { notes: base.notes } : {}),
    },
  };
}
