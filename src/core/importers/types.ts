import type { Range, U64 } from '../u64.ts';
import type { Errno } from '../outcome.ts';
import type { PlatformInput } from '../platform/normalize.ts';

/**
 * What every importer returns: a partial scenario (platform, guest layout or steps), the lines it
 * could not read (with their 1-based line numbers), and notes for the user ("addresses are all
 * zero: /proc/iomem was read without root"). Importers never throw on bad input.
 */

export type InputKind =
  | 'bundle'
  | 'reserved-regions'
  | 'groups'
  | 'lspci-vvv'
  | 'lspci-tv'
  | 'lspci-vmm'
  | 'iomem'
  | 'dmesg'
  | 'mtree'
  | 'qemu-trace'
  | 'error-lines';

export const INPUT_KINDS: readonly InputKind[] = [
  'bundle',
  'reserved-regions',
  'groups',
  'lspci-vvv',
  'lspci-tv',
  'lspci-vmm',
  'iomem',
  'dmesg',
  'mtree',
  'qemu-trace',
  'error-lines',
];

export interface UnparsedLine {
  /** 1-based line number in the text given to the importer. */
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

/** Kinds of guest-physical sections, as the guest layout lane draws them. */
export type GuestSectionKind = 'ram' | 'rom' | 'mmio' | 'pci-hole' | 'msi' | 'bar' | 'reserved';

export interface GuestSection extends Range {
  readonly kind: GuestSectionKind;
  readonly name: string;
}

export interface GuestLayout {
  readonly machine: 'q35' | 'virt' | 'custom';
  readonly memory: readonly GuestSection[];
  /** A vIOMMU's address width (`intel-iommu,aw-bits=`), when the guest has one. */
  readonly viommuAwBits?: number;
  /** How the layout was chosen ("q35, 8 GiB: 2 GiB below 4G (pc_q35_init lowmem rule)"). */
  readonly notes?: readonly string[];
}

/** A step of a scenario as an importer produces it: the flat op fields plus an optional `as`. */
export type ImportedStep =
  | { readonly op: 'vfio.container_create'; readonly as: string }
  | { readonly op: 'vfio.group_set_container'; readonly group: number; readonly container: string }
  | { readonly op: 'vfio.set_iommu'; readonly container: string; readonly type: 'type1v2' }
  | {
      readonly op: 'vfio.map_dma';
      readonly container: string;
      readonly iova: U64;
      readonly size: U64;
      readonly flags: readonly string[];
      readonly vaddr?: U64;
    }
  | {
      readonly op: 'vfio.unmap_dma';
      readonly container: string;
      readonly iova: U64;
      readonly size: U64;
      readonly flags: readonly string[];
    };

/** A pasted error or fault line placed on the IOVA axis. */
export interface PlacedEvent {
  readonly line: number;
  readonly kind:
    'vfio-dma-map-error' | 'amd-vi-fault' | 'dmar-fault' | 'arm-smmu-fault' | 'iommu-width-error';
  readonly range: Range;
  /** The errno QEMU printed, for vfio_dma_map lines. */
  readonly errno?: Errno;
  readonly errnoNumber?: number;
  readonly device?: string;
  /** The QEMU memory region named by "Region NAME:", when present. */
  readonly region?: string;
  readonly vaddr?: U64;
  /** The event type an AMD-Vi fault line names (`IO_PAGE_FAULT`, `INVALID_DEVICE_REQUEST`, ...). */
  readonly amdEvent?: string;
  readonly detail: string;
  readonly text: string;
}

/** An error line with an errno and no address (`VFIO_MAP_DMA failed: Invalid argument`, DPDK's EAL). */
export interface PastedError {
  readonly line: number;
  readonly errnoNumber: number;
  readonly errno?: Errno;
  /** What failed: the ioctl or the tool's call. */
  readonly call: string;
  readonly text: string;
}

/** One `/proc/iomem` entry. */
export interface IomemEntry extends Range {
  readonly name: string;
  readonly depth: number;
}

/** The partial scenario an importer produces. */
export interface PartialScenario {
  platform?: PlatformInput;
  guest?: GuestLayout;
  steps?: ImportedStep[];
}

/** One piece of a paste that held several kinds of text, and the pasted lines it took. */
export interface PastePiece {
  readonly kind: InputKind;
  /** First and last pasted line (1-based) of the piece. */
  readonly first: number;
  readonly last: number;
  /** Pasted lines read by this piece's importer (wrapped lines count once per pasted line). */
  readonly lines: number;
  /** The command typed above it, when the paste shows one (`lspci -vvv`). */
  readonly command?: string;
  /** What the importer said of it. */
  readonly notes: readonly string[];
  readonly unparsed: number;
  /** The piece's own import, line numbers in the paste (what it understood, before the merge). */
  readonly result: ImportResult;
}

export interface ImportResult {
  /** The kind the text was read as; `mixed` when a paste held several (see `pieces`). */
  readonly kind: InputKind | 'mixed';
  /** How a paste was cut into pieces and which importer read which lines. */
  readonly pieces?: readonly PastePiece[];
  readonly scenario: PartialScenario;
  readonly unparsed: readonly UnparsedLine[];
  readonly notes: readonly string[];
  /** A mixed paste: its first this many notes summarise the pieces, one each, in order. */
  readonly pieceSummaries?: number;
  /** Pasted error/fault lines placed on the axis (error-lines, dmesg, bundle). */
  readonly events: readonly PlacedEvent[];
  /** `/proc/iomem` entries, when the input had them. */
  readonly iomem?: readonly IomemEntry[];
  /** Line numbers of the steps, parallel to `scenario.steps`. */
  readonly stepLines?: readonly number[];
  /** Facts about the host that are not platform fields (bundle and dmesg). */
  readonly host?: HostFacts;
}

/** Which IOMMU unit an import assumed for grouped devices, and why. */
export interface UnitAssumption {
  kind: 'vtd' | 'amd' | 'smmuv3' | 'mock';
  /** The unit id the devices were linked to. */
  unit: string;
  addressWidth: number;
  /** The width is a default, not read from the input. */
  widthAssumed: boolean;
  because: string;
  /** Nothing named the vendor: the kind is a guess from the architecture. */
  vendorUnknown?: boolean;
  /** The MSI (and AMD HyperTransport) windows were added because no reserved_regions were given. */
  regionsAssumed?: boolean;
  /** The user chose the unit. */
  picked: boolean;
}

/** What a host bundle says beyond the platform model: for diagnoses and findings. */
export interface HostFacts {
  kernelRelease?: string;
  machine?: string;
  /** `vendor_id` (x86) or `CPU implementer` (ARM) from /proc/cpuinfo. */
  cpuVendor?: string;
  cmdline?: string;
  /** `/sys/kernel/iommu_groups` existed but was empty, or did not exist. */
  iommuGroupsEmpty?: boolean;
  /** `/sys/kernel/iommu_groups/N/type`: DMA, DMA-FQ, identity, blocked, unmanaged. */
  groupTypes?: Record<number, string>;
  /** `/proc/iomem` was read without root: every address printed as zero. */
  iomemZeroed?: boolean;
  /** Files or commands the collector could not read, with its reason. */
  unreadable?: string[];
  /** Devices dmesg says were refused because of an RMRR (`ineligible for IOMMU domain attach`). */
  rmrrIneligible?: string[];
  /** dmesg `... ACS workaround enabled` / quirk lines. */
  acsQuirks?: string[];
  /** Interrupt remapping as dmesg states it: true enabled, false disabled/absent, undefined unknown. */
  interruptRemapping?: boolean;
  /** Whether the GIC has an ITS (ARM: isolated MSI) or only GICv2m frames. */
  msiController?: 'its' | 'gicv2m';
  /** DMAR `Host address width N`. */
  hostAddressWidth?: number;
  /** Error lines that name an errno but no address. */
  pastedErrors?: PastedError[];
  /** The IOMMU unit the import had to assume for grouped devices (see infer-units.ts). */
  unitAssumption?: UnitAssumption;
  /** Lines that say interrupt remapping runs in xAPIC mode (`x2apic is disabled`, ...). */
  irqRemapMode?: 'x2apic' | 'xapic';
  /** RMRR ranges from dmesg (device scope unknown there). */
  rmrrs?: Array<{ start: bigint; last: bigint; device?: string }>;
}
