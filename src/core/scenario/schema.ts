import * as z from 'zod';
import type { PlatformInput } from '../platform/normalize.ts';
import { ACS_FLAGS, REGION_SOURCES, type AcsFlag } from '../platform/types.ts';
import { describeValue } from './describe.ts';
import { SCENARIO_FORMAT } from './format.ts';
import { stepSchema } from './step-schema.ts';
import { groupNumber, integer, rangeSchema, u64String } from './u64-codec.ts';

/**
 * Schema of the scenario file `iova-explorer.scenario/1` (DESIGN.md §4) and of conformance files
 * (arrays of scenarios with `id`, `source`, `note`, `confidence`).
 *
 * The loader checks syntax only: u64 strings, known ops, known flag names or raw hex bits, field
 * types, unknown keys. Every semantic rule (alignment, overflow, ranges, ownership) belongs to the
 * engine, which answers with the kernel's errno in the kernel's order — so `"size":
 * "0xffffffffffffffff"` loads fine and the step reports EINVAL or EOVERFLOW.
 */

export { FLAG_NAMES, SCENARIO_FORMAT, SCENARIO_OPS } from './format.ts';
export { expectSchema, type Expect, stepSchema, stepSchemas } from './step-schema.ts';
export type { ScenarioStep, ScenarioStepOf } from './step-schema.ts';

// ---------------------------------------------------------------------------------------------
// Platform (kernel-semantics.md §1 superset, DESIGN.md §3)

const acsFlag = z.enum(ACS_FLAGS as [AcsFlag, ...AcsFlag[]]);

const acsSchema = z.union(
  [
    z.array(acsFlag),
    z.strictObject({ cap: z.array(acsFlag), ctl: z.array(acsFlag) }),
    z.null(),
    z.literal('unknown'),
  ],
  {
    error: (iss) => {
      const v = iss.input;
      if (v === undefined) return undefined;
      const bad = (list: unknown) =>
        Array.isArray(list)
          ? list.find((f) => typeof f !== 'string' || !(ACS_FLAGS as readonly string[]).includes(f))
          : undefined;
      const flags = ACS_FLAGS.join(' ');
      if (Array.isArray(v) && bad(v) !== undefined)
        return `unknown ACS control ${JSON.stringify(bad(v))}: expected some of ${flags}`;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        const extra = Object.keys(o).filter((k) => k !== 'cap' && k !== 'ctl');
        if (extra.length > 0)
          return `unknown field "${extra[0]}" in ACS: the full form is {"cap": [...], "ctl": [...]}`;
        for (const k of ['cap', 'ctl'] as const) {
          if (!Array.isArray(o[k]))
            return `ACS "${k}" must be a list of ${flags}, found ${describeValue(o[k])}`;
          if (bad(o[k]) !== undefined)
            return `unknown ACS flag ${JSON.stringify(bad(o[k]))} in "${k}": expected some of ${flags}`;
        }
      }
      return `expected ACS as a list of enabled controls (["SV","RR","CR","UF"]), {"cap": [...], "ctl": [...]}, null or "unknown", found ${describeValue(v)}`;
    },
  },
);

const resvType = z.enum(['direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi']);
const pcieType = z.enum([
  'root_port',
  'upstream',
  'downstream',
  'pcie_to_pci_bridge',
  'conventional',
  'endpoint',
  'rc_endpoint',
]);

export const platformSchema = z.strictObject({
  arch: z.enum(['x86_64', 'aarch64']).optional(),
  kernel: z
    .strictObject({
      kernelPageSize: u64String.optional(),
      CONFIG_TRANSPARENT_HUGEPAGE: z.boolean().optional(),
      HPAGE_SIZE: u64String.optional(),
      CONFIG_INTEL_IOMMU_FLOPPY_WA: z.boolean().optional(),
      version: z.string().optional(),
    })
    .optional(),
  moduleParams: z
    .strictObject({
      'vfio_iommu_type1.allow_unsafe_interrupts': z.boolean().optional(),
      'vfio_iommu_type1.dma_entry_limit': integer('an entry count (an integer)').optional(),
      'iommufd.allow_unsafe_interrupts': z.boolean().optional(),
    })
    .optional(),
  iommus: z
    .array(
      z.strictObject({
        id: z.string(),
        kind: z.enum(['vtd', 'amd', 'smmuv3', 'mock']),
        addressWidth: integer('an address width in bits (an integer)').optional(),
        aperture: rangeSchema.optional(),
        pageSizes: z.array(u64String).optional(),
        pgsizeBitmap: u64String.optional(),
        snoopControl: z.boolean().optional(),
        coherent: z.boolean().optional(),
        interruptRemapping: z.boolean().optional(),
        firstStage: z.boolean().optional(),
      }),
    )
    .optional(),
  hostBridges: z
    .array(
      z.strictObject({
        id: z.string(),
        windows: z
          .array(
            z.strictObject({
              start: u64String,
              last: u64String,
              kind: z.enum(['mem', 'mem64', 'prefetch', 'io', 'bus']).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  hostBridgeWindowsReserved: z.boolean().optional(),
  devices: z
    .array(
      z.strictObject({
        bdf: z.string(),
        name: z.string().optional(),
        class: z.string().optional(),
        vendor: z.string().optional(),
        device: z.string().optional(),
        pcieType: pcieType.optional(),
        parent: z.string().optional(),
        iommu: z.string().optional(),
        acs: acsSchema.optional(),
        multifunction: z.boolean().optional(),
        hostDriver: z.string().nullable().optional(),
        bars: z
          .array(
            z.strictObject({
              index: integer().optional(),
              start: u64String,
              last: u64String,
              prefetchable: z.boolean().optional(),
              is64: z.boolean().optional(),
            }),
          )
          .optional(),
        group: groupNumber.optional(),
        hostBridge: z.string().optional(),
      }),
    )
    .optional(),
  reservedRegions: z
    .array(
      z.strictObject({
        start: u64String,
        last: u64String,
        type: resvType,
        group: groupNumber.optional(),
        device: z.string().optional(),
        origin: z.string().optional(),
        source: z.enum(REGION_SOURCES).optional(),
      }),
    )
    .optional(),
  process: z
    .strictObject({
      memlockLimit: u64String.nullable().optional(),
      vaBacking: z
        .array(
          z.strictObject({
            start: u64String,
            last: u64String,
            kind: z.enum(['anonymous', 'hugetlbfs', 'pfnmap', 'readonly']),
            name: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export type ScenarioPlatform = z.output<typeof platformSchema>;

// The engine takes exactly what the schema produces.
const platformIsInput: ScenarioPlatform extends PlatformInput ? true : never = true;
void platformIsInput;

// ---------------------------------------------------------------------------------------------
// Guest layout

export const guestSchema = z.strictObject({
  /** A built-in layout to start from (resolved by the presets module, not by the loader). */
  preset: z.string().optional(),
  machine: z.enum(['q35', 'virt', 'custom']).optional(),
  memory: z
    .array(
      z.strictObject({
        start: u64String,
        last: u64String,
        kind: z.string().optional(),
        name: z.string().optional(),
      }),
    )
    .optional(),
});

export type ScenarioGuest = z.output<typeof guestSchema>;

// ---------------------------------------------------------------------------------------------
// Scenario files

const scenarioFields = {
  title: z.string().optional(),
  description: z.string().optional(),
  platform: platformSchema.optional(),
  guest: guestSchema.optional(),
  steps: z.array(stepSchema),
};

const formatLiteral = z.literal(SCENARIO_FORMAT, {
  error: (iss) =>
    iss.input === undefined
      ? `missing "format": a scenario file starts with "format": "${SCENARIO_FORMAT}"`
      : `unsupported format ${describeValue(iss.input)}: this version reads "${SCENARIO_FORMAT}"`,
});

const conformanceMeta = {
  source: z.string().optional(),
  note: z.string().optional(),
  confidence: z.enum(['high', 'medium', 'low']).optional(),
};

/** One scenario file (`iova-explorer.scenario/1`). */
export const scenarioSchema = z.strictObject({
  format: formatLiteral,
  id: z.string().optional(),
  ...conformanceMeta,
  ...scenarioFields,
});

/** One entry of a conformance file: `format` omitted, `id` required. */
export const conformanceScenarioSchema = z.strictObject({
  format: formatLiteral.optional(),
  id: z.string(),
  ...conformanceMeta,
  ...scenarioFields,
});

export const conformanceFileSchema = z.array(conformanceScenarioSchema);

export type Scenario = z.output<typeof scenarioSchema>;
export type ConformanceScenario = z.output<typeof conformanceScenarioSchema>;
/** What replay needs from either kind. */
export type ReplayableScenario = Pick<Scenario, 'platform' | 'steps'> & {
  readonly id?: string;
  readonly title?: string;
};
