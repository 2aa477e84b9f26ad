import { asPgsizeBitmap, type Range, type U64, U64_MAX } from '../u64.ts';
import {
  DEFAULT_ADDRESS_WIDTH,
  DEFAULT_DMA_ENTRY_LIMIT,
  DEFAULT_PGSIZE_BITMAP,
  kernelOlderThan,
  LATEST_KERNEL_VERSION,
  MOCK_APERTURE,
} from './defaults.ts';
import { slotKey } from './bdf.ts';
import { regionSource } from './region-source.ts';
import type {
  AcsFlag,
  AcsState,
  Bar,
  HostBridge,
  HostBridgeWindow,
  IommuKind,
  IommuUnit,
  PciDevice,
  PcieType,
  Platform,
  RegionSource,
  ReservedRegionSpec,
  ResvType,
  VaBacking,
} from './types.ts';

/**
 * A platform as a scenario file states it (after the loader has turned u64 strings into bigints):
 * everything optional but the essentials, so hand-written scenarios stay short.
 */
export interface PlatformInput {
  arch?: 'x86_64' | 'aarch64';
  kernel?: {
    kernelPageSize?: U64;
    CONFIG_TRANSPARENT_HUGEPAGE?: boolean;
    HPAGE_SIZE?: U64;
    CONFIG_INTEL_IOMMU_FLOPPY_WA?: boolean;
    version?: string;
  };
  moduleParams?: {
    'vfio_iommu_type1.allow_unsafe_interrupts'?: boolean;
    'vfio_iommu_type1.dma_entry_limit'?: number;
    'iommufd.allow_unsafe_interrupts'?: boolean;
  };
  iommus?: Array<{
    id: string;
    kind: IommuKind;
    addressWidth?: number;
    aperture?: Range;
    pageSizes?: U64[];
    pgsizeBitmap?: U64;
    snoopControl?: boolean;
    coherent?: boolean;
    interruptRemapping?: boolean;
    firstStage?: boolean;
  }>;
  hostBridges?: Array<{
    id: string;
    windows?: Array<{ start: U64; last: U64; kind?: HostBridgeWindow['kind'] }>;
  }>;
  hostBridgeWindowsReserved?: boolean;
  devices?: Array<{
    bdf: string;
    name?: string;
    class?: string;
    vendor?: string;
    device?: string;
    pcieType?: PcieType;
    parent?: string;
    iommu?: string;
    acs?: AcsInput;
    multifunction?: boolean;
    hostDriver?: string | null;
    bars?: Array<{ index?: number; start: U64; last: U64; prefetchable?: boolean; is64?: boolean }>;
    group?: number;
    hostBridge?: string;
  }>;
  reservedRegions?: Array<{
    start: U64;
    last: U64;
    type: ResvType;
    group?: number;
    device?: string;
    origin?: string;
    source?: RegionSource;
  }>;
  process?: {
    memlockLimit?: U64 | null;
    vaBacking?: Array<{ start: U64; last: U64; kind: VaBacking['kind']; name?: string }>;
  };
}

/** The ACS capability the conformance files' short form implies (kernel-semantics §6.5 / DESIGN §3). */
const SHORT_FORM_CAP: readonly AcsFlag[] = ['SV', 'RR', 'CR', 'UF'];

/** ACS as a scenario writes it: the short list of enabled controls, or lspci's cap/ctl pair. */
export type AcsInput = AcsFlag[] | { cap: AcsFlag[]; ctl: AcsFlag[] } | null | 'unknown';

export function normalizeAcs(acs: AcsInput | undefined): AcsState {
  if (acs === undefined || acs === null) return null;
  if (acs === 'unknown') return 'unknown';
  if (Array.isArray(acs)) {
    // Short form: enabled controls on a capability advertising SV/RR/CR/UF; [] = no capability.
    if (acs.length === 0) return null;
    const cap = [...new Set<AcsFlag>([...SHORT_FORM_CAP, ...acs])];
    return Object.freeze({ cap: Object.freeze(cap), ctl: Object.freeze([...acs]) });
  }
  return Object.freeze({ cap: Object.freeze([...acs.cap]), ctl: Object.freeze([...acs.ctl]) });
}

function pageSizesToBitmap(sizes: readonly U64[]): U64 {
  return sizes.reduce((bits, s) => bits | s, 0n);
}

/** The aperture of a unit's paging domains (kernel-semantics §7). */
function apertureOf(kind: IommuKind, width: number, firstStage: boolean): Range {
  if (kind === 'mock') return { ...MOCK_APERTURE };
  // VT-d first-stage (6.13+ scalable mode) domains end one bit lower: __DOMAIN_MAX_ADDR(gaw - 1).
  const bits = kind === 'vtd' && firstStage ? width - 1 : width;
  return { start: 0n, last: bits >= 64 ? U64_MAX : (1n << BigInt(bits)) - 1n };
}

export function normalizePlatform(input: PlatformInput = {}): Platform {
  const version = input.kernel?.version ?? LATEST_KERNEL_VERSION;
  const iommus: IommuUnit[] = (input.iommus ?? []).map((u) => {
    const firstStage = u.firstStage ?? false;
    // AMD v1 domains spanned the whole 64-bit space until 6.17 (025d1371cc8c) sized the aperture
    // from the page-table levels the hardware reports (kernel-semantics §7.2).
    const width =
      u.addressWidth ??
      (u.kind === 'amd' && kernelOlderThan(version, '6.17') ? 64 : DEFAULT_ADDRESS_WIDTH[u.kind]);
    const pgsizeBitmap = asPgsizeBitmap(
      u.pgsizeBitmap ??
        (u.pageSizes ? pageSizesToBitmap(u.pageSizes) : DEFAULT_PGSIZE_BITMAP[u.kind]),
    );
    return Object.freeze({
      id: u.id,
      kind: u.kind,
      addressWidth: u.aperture ? u.addressWidth : width,
      aperture: Object.freeze(
        u.aperture
          ? { start: u.aperture.start, last: u.aperture.last }
          : apertureOf(u.kind, width, firstStage),
      ),
      pgsizeBitmap,
      snoopControl: u.snoopControl ?? u.kind !== 'smmuv3',
      coherent: u.coherent ?? true,
      interruptRemapping: u.interruptRemapping ?? true,
      firstStage,
    });
  });

  const soleIommu = iommus.length === 1 ? iommus[0]?.id : undefined;

  const slotCounts = new Map<string, number>();
  for (const d of input.devices ?? []) {
    const slot = slotKey(d.bdf);
    if (slot) slotCounts.set(slot, (slotCounts.get(slot) ?? 0) + 1);
  }

  const devices: PciDevice[] = (input.devices ?? []).map((d) => {
    const bars: Bar[] = (d.bars ?? []).map((b, i) =>
      Object.freeze({
        index: b.index ?? i,
        start: b.start,
        last: b.last,
        prefetchable: b.prefetchable ?? false,
        is64: b.is64 ?? b.last > 0xffffffffn,
      }),
    );
    return Object.freeze({
      bdf: d.bdf,
      name: d.name,
      class: d.class,
      vendor: d.vendor,
      device: d.device,
      pcieType: d.pcieType,
      parent: d.parent,
      // A device without an explicit unit sits behind the only IOMMU there is.
      iommu: d.iommu ?? soleIommu,
      acs: normalizeAcs(d.acs),
      // The header's multifunction bit; when not stated, a slot with several functions has it.
      multifunction: d.multifunction ?? (slotCounts.get(slotKey(d.bdf) ?? '') ?? 0) > 1,
      hostDriver: d.hostDriver ?? undefined,
      bars: Object.freeze(bars),
      group: d.group,
      hostBridge: d.hostBridge,
    });
  });

  const hostBridges: HostBridge[] = (input.hostBridges ?? []).map((hb) =>
    Object.freeze({
      id: hb.id,
      windows: Object.freeze(
        (hb.windows ?? []).map((w) =>
          Object.freeze({ start: w.start, last: w.last, kind: w.kind ?? 'mem' }),
        ),
      ),
    }),
  );

  const reservedRegions: ReservedRegionSpec[] = (input.reservedRegions ?? []).map((r) =>
    Object.freeze({
      start: r.start,
      last: r.last,
      type: r.type,
      group: r.group,
      device: r.device,
      origin: r.origin,
      // Files saved before regions carried a source say it in their origin.
      source: regionSource(r),
    }),
  );

  const kernel = input.kernel ?? {};
  const params = input.moduleParams ?? {};
  const proc = input.process ?? {};

  return Object.freeze({
    arch: input.arch ?? (iommus.some((u) => u.kind === 'smmuv3') ? 'aarch64' : 'x86_64'),
    kernel: Object.freeze({
      kernelPageSize: kernel.kernelPageSize ?? 0x1000n,
      CONFIG_TRANSPARENT_HUGEPAGE: kernel.CONFIG_TRANSPARENT_HUGEPAGE ?? true,
      HPAGE_SIZE: kernel.HPAGE_SIZE ?? 0x200000n,
      CONFIG_INTEL_IOMMU_FLOPPY_WA: kernel.CONFIG_INTEL_IOMMU_FLOPPY_WA ?? false,
      version,
    }),
    moduleParams: Object.freeze({
      'vfio_iommu_type1.allow_unsafe_interrupts':
        params['vfio_iommu_type1.allow_unsafe_interrupts'] ?? false,
      'vfio_iommu_type1.dma_entry_limit':
        params['vfio_iommu_type1.dma_entry_limit'] ?? DEFAULT_DMA_ENTRY_LIMIT,
      'iommufd.allow_unsafe_interrupts': params['iommufd.allow_unsafe_interrupts'] ?? false,
    }),
    iommus: Object.freeze(iommus),
    hostBridges: Object.freeze(hostBridges),
    hostBridgeWindowsReserved: input.hostBridgeWindowsReserved ?? false,
    devices: Object.freeze(devices),
    reservedRegions: Object.freeze(reservedRegions),
    process: Object.freeze({
      memlockLimit: proc.memlockLimit ?? undefined,
      vaBacking: proc.vaBacking
        ? Object.freeze(
            proc.vaBacking.map((v) =>
              Object.freeze({ start: v.start, last: v.last, kind: v.kind, name: v.name }),
            ),
          )
        : undefined,
    }),
  });
}
