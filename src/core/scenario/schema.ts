import * as z from 'zod';
import type { ActionOf, OpName } from '../actions.ts';
import { ERRNO_NUMBERS, type Errno } from '../outcome.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import { ACS_FLAGS, REGION_SOURCES, type AcsFlag } from '../platform/types.ts';
import { parseU64 } from '../u64.ts';
import { describeValue } from './describe.ts';
import { didYouMean } from './suggest.ts';
import { integer, u64String } from './u64-codec.ts';

/**
 * Schema of the scenario file `iova-explorer.scenario/1` (DESIGN.md §4) and of conformance files
 * (arrays of scenarios with `id`, `source`, `note`, `confidence`).
 *
 * The loader checks syntax only: u64 strings, known ops, known flag names or raw hex bits, field
 * types, unknown keys. Every semantic rule (alignment, overflow, ranges, ownership) belongs to the
 * engine, which answers with the kernel's errno in the kernel's order — so `"size":
 * "0xffffffffffffffff"` loads fine and the step reports EINVAL or EOVERFLOW.
 */

export const SCENARIO_FORMAT = 'iova-explorer.scenario/1';

// ---------------------------------------------------------------------------------------------
// Small building blocks

const rangeSchema = z.strictObject({ start: u64String, last: u64String });

/** `"as": "name"` binds the step's `result.id`; `"$name"` uses it later. */
const bindName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, {
  error: (iss) =>
    typeof iss.input === 'string' && iss.input.startsWith('$')
      ? `"as" takes the bare name: write "${iss.input.slice(1)}" here and "${iss.input}" where it is used`
      : `expected a name made of letters, digits, "_", "." or "-" (not starting with a digit), found ${describeValue(iss.input)}`,
});

/** An object id: a raw integer (ids the engine never returned exercise lookup failures) or "$name". */
function objectRefError(iss: { input?: unknown }): string | undefined {
  if (iss.input === undefined) return undefined;
  const hint =
    typeof iss.input === 'string' && /^[A-Za-z_]/.test(iss.input)
      ? ` (write "$${iss.input}" to use the id bound by "as": "${iss.input}")`
      : '';
  return `expected an object id: an integer or "$name" bound by an earlier step's "as", found ${describeValue(iss.input)}${hint}`;
}
const objectRef = z.union(
  [
    z
      .number({ error: objectRefError })
      .int({ error: objectRefError })
      .nonnegative({ error: objectRefError }),
    z
      .string({ error: objectRefError })
      .regex(/^\$[A-Za-z_][A-Za-z0-9_.-]*$/, { error: objectRefError }),
  ],
  { error: objectRefError },
);

/** Flags: the op's known names, or raw bits in hex ("0x8") so unknown bits can be exercised. */
function flagList(op: string, names: readonly string[]) {
  const flag = z.string().superRefine((s, ctx) => {
    if (names.includes(s)) return;
    if (/^0[xX][0-9a-fA-F_]+$/.test(s) && parseU64(s).ok) return;
    const known = names.length > 0 ? `${names.join(', ')} or raw bits` : 'raw bits';
    ctx.addIssue({
      code: 'custom',
      message: `unknown flag "${s}" for ${op}: expected ${known} written in hex such as "0x8"${didYouMean(s, names)}`,
    });
  });
  return z.array(flag);
}

const errnoNames = Object.keys(ERRNO_NUMBERS) as [Errno, ...Errno[]];

const jsonRecord = z.record(z.string(), z.json());

/**
 * `{ "ok": true }` or `{ "errno": "EINVAL" }`, either with `result` matched as a subset.
 * `"ok": false` may accompany an errno but says nothing on its own.
 */
export const expectSchema = z
  .strictObject({
    ok: z.boolean().optional(),
    errno: z.enum(errnoNames).optional(),
    result: jsonRecord.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.ok === true && e.errno !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"ok": true and "errno": "${e.errno}" contradict each other: expect one or the other`,
      });
    } else if (e.ok !== true && e.errno === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expect needs "ok": true or "errno": "E…" (for example {"errno": "EINVAL"})',
      });
    }
  });

export type Expect = z.output<typeof expectSchema>;

// ---------------------------------------------------------------------------------------------
// Steps: one strict object per op, with the uAPI's field names (kernel-semantics.md §1)

function step<N extends OpName, S extends z.ZodRawShape>(op: N, shape: S) {
  return z.strictObject({
    op: z.literal(op),
    as: bindName.optional(),
    expect: expectSchema.optional(),
    ...shape,
  });
}

const VFIO_MAP_FLAGS = ['READ', 'WRITE', 'VADDR'] as const;
const VFIO_UNMAP_FLAGS = ['GET_DIRTY_BITMAP', 'ALL', 'VADDR'] as const;
const IOAS_MAP_FLAGS = ['FIXED_IOVA', 'WRITEABLE', 'READABLE'] as const;
const HWPT_ALLOC_FLAGS = ['NEST_PARENT', 'DIRTY_TRACKING', 'FAULT_ID_VALID', 'PASID'] as const;

/** Flag names each op knows (raw hex bits are accepted everywhere flags are). */
export const FLAG_NAMES: Readonly<Partial<Record<OpName, readonly string[]>>> = {
  'vfio.map_dma': VFIO_MAP_FLAGS,
  'vfio.unmap_dma': VFIO_UNMAP_FLAGS,
  'iommufd.ioas_map': IOAS_MAP_FLAGS,
  'iommufd.ioas_copy': IOAS_MAP_FLAGS,
  'iommufd.hwpt_alloc': HWPT_ALLOC_FLAGS,
  'iommufd.ioas_alloc': [],
};

/** `VFIO_CHECK_EXTENSION` arguments by name (include/uapi/linux/vfio.h). */
export const VFIO_EXTENSIONS = [
  'VFIO_TYPE1_IOMMU',
  'VFIO_SPAPR_TCE_IOMMU',
  'VFIO_TYPE1v2_IOMMU',
  'VFIO_DMA_CC_IOMMU',
  'VFIO_EEH',
  'VFIO_TYPE1_NESTING_IOMMU',
  'VFIO_SPAPR_TCE_v2_IOMMU',
  'VFIO_NOIOMMU_IOMMU',
  'VFIO_UNMAP_ALL',
  'VFIO_UPDATE_VADDR',
] as const;

const extensionSchema = z.union([z.number().int().nonnegative(), z.enum(VFIO_EXTENSIONS)], {
  error: (iss) =>
    iss.input === undefined
      ? undefined
      : `expected an extension number or one of ${VFIO_EXTENSIONS.join(', ')}, found ${describeValue(iss.input)}${typeof iss.input === 'string' ? didYouMean(iss.input, VFIO_EXTENSIONS) : ''}`,
});

const iommuTypeSchema = z.union([z.number().int().nonnegative(), z.enum(['type1', 'type1v2'])], {
  error: (iss) =>
    iss.input === undefined
      ? undefined
      : `expected "type1", "type1v2" or the VFIO_SET_IOMMU number, found ${describeValue(iss.input)}`,
});

const groupNumber = integer('an IOMMU group number (an integer)');

export const stepSchemas = {
  'vfio.container_create': step('vfio.container_create', {}),
  'vfio.group_set_container': step('vfio.group_set_container', {
    group: groupNumber,
    container: objectRef,
  }),
  'vfio.group_unset_container': step('vfio.group_unset_container', { group: groupNumber }),
  'vfio.group_get_status': step('vfio.group_get_status', { group: groupNumber }),
  'vfio.group_get_device_fd': step('vfio.group_get_device_fd', {
    group: groupNumber,
    device: z.string(),
  }),
  'vfio.device_close': step('vfio.device_close', { fd: objectRef }),
  'vfio.set_iommu': step('vfio.set_iommu', { container: objectRef, type: iommuTypeSchema }),
  'vfio.map_dma': step('vfio.map_dma', {
    container: objectRef,
    iova: u64String,
    size: u64String,
    flags: flagList('vfio.map_dma', VFIO_MAP_FLAGS).default([]),
    vaddr: u64String.optional(),
  }),
  'vfio.unmap_dma': step('vfio.unmap_dma', {
    container: objectRef,
    iova: u64String,
    size: u64String,
    flags: flagList('vfio.unmap_dma', VFIO_UNMAP_FLAGS).default([]),
  }),
  'vfio.get_info': step('vfio.get_info', { container: objectRef }),
  'vfio.check_extension': step('vfio.check_extension', {
    container: objectRef,
    extension: extensionSchema,
  }),
  'iommufd.ioas_alloc': step('iommufd.ioas_alloc', {
    flags: flagList('iommufd.ioas_alloc', []).optional(),
  }),
  'iommufd.ioas_map': step('iommufd.ioas_map', {
    ioas: objectRef,
    iova: u64String.optional(),
    length: u64String,
    flags: flagList('iommufd.ioas_map', IOAS_MAP_FLAGS).default([]),
    user_va: u64String.optional(),
  }),
  'iommufd.ioas_unmap': step('iommufd.ioas_unmap', {
    ioas: objectRef,
    iova: u64String,
    length: u64String,
  }),
  'iommufd.ioas_iova_ranges': step('iommufd.ioas_iova_ranges', {
    ioas: objectRef,
    num_iovas: integer().optional(),
  }),
  'iommufd.ioas_allow_iovas': step('iommufd.ioas_allow_iovas', {
    ioas: objectRef,
    ranges: z.array(rangeSchema),
  }),
  'iommufd.ioas_copy': step('iommufd.ioas_copy', {
    src_ioas: objectRef,
    dst_ioas: objectRef,
    src_iova: u64String,
    length: u64String,
    dst_iova: u64String.optional(),
    flags: flagList('iommufd.ioas_copy', IOAS_MAP_FLAGS).default([]),
  }),
  'iommufd.test_add_reserved': step('iommufd.test_add_reserved', {
    ioas: objectRef,
    start: u64String,
    length: u64String,
  }),
  'iommufd.device_bind': step('iommufd.device_bind', { device: z.string() }),
  'iommufd.device_attach': step('iommufd.device_attach', { dev: objectRef, pt: objectRef }),
  'iommufd.hwpt_alloc': step('iommufd.hwpt_alloc', {
    dev: objectRef,
    pt: objectRef,
    flags: flagList('iommufd.hwpt_alloc', HWPT_ALLOC_FLAGS).optional(),
  }),
  'iommufd.device_detach': step('iommufd.device_detach', { dev: objectRef }),
  'iommufd.device_unbind': step('iommufd.device_unbind', { dev: objectRef }),
  'iommufd.destroy': step('iommufd.destroy', { id: objectRef }),
  'iommufd.option': step('iommufd.option', {
    option: z.enum(['huge_pages', 'rlimit_mode']),
    mode: z.enum(['set', 'get']),
    object_id: objectRef.optional(),
    val: integer().optional(),
  }),
  'iommu.group_resv_regions': step('iommu.group_resv_regions', { group: groupNumber }),
  'iommu.groups': step('iommu.groups', {}),
} satisfies { [N in OpName]: z.ZodType };

/** Every op of actions.ts, in the order above. */
export const SCENARIO_OPS = Object.keys(stepSchemas) as OpName[];

type StepSchemaOf<N extends OpName> = (typeof stepSchemas)[N];
type AnyStepSchema = StepSchemaOf<OpName>;

export const stepSchema = z.discriminatedUnion(
  'op',
  Object.values(stepSchemas) as [AnyStepSchema, ...AnyStepSchema[]],
);

export type ScenarioStep = z.output<typeof stepSchema>;
export type ScenarioStepOf<N extends OpName> = z.output<StepSchemaOf<N>>;

// A step without `as`/`expect` (and with "$name" refs resolved) is the engine's action: prove it.
type StepActionMismatch = {
  [N in OpName]: Omit<ScenarioStepOf<N>, 'as' | 'expect'> extends ActionOf<N> ? never : N;
}[OpName];
const stepsAreActions: [StepActionMismatch] extends [never] ? true : StepActionMismatch = true;
void stepsAreActions;

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
