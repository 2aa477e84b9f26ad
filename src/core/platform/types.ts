import type { Range, U64, PgsizeBitmap } from '../u64.ts';

/**
 * The platform the kernel runs on, in the field names of kernel-semantics.md §1 (the conformance
 * files use them). This is the normalized, in-memory form: every address is a bigint, every
 * optional field has its default filled in by `normalizePlatform`.
 */

export type IommuKind = 'vtd' | 'amd' | 'smmuv3' | 'mock';

export interface IommuUnit {
  readonly id: string;
  readonly kind: IommuKind;
  /** Input address width in bits when given; the aperture is [0, 2^width - 1] unless `aperture`. */
  readonly addressWidth: number | undefined;
  /** The paging domain's aperture (geometry) this unit gives VFIO/iommufd domains. */
  readonly aperture: Range;
  /** Page sizes the unit's paging domains support, as a bitmap (`pgsize_bitmap`). */
  readonly pgsizeBitmap: PgsizeBitmap;
  /** Can enforce cache coherency / block no-snoop (IOMMU_CAP_ENFORCE_CACHE_COHERENCY; VT-d SC). */
  readonly snoopControl: boolean;
  /** DMA through this unit is cache coherent (IOMMU_CAP_CACHE_COHERENCY). Default true. */
  readonly coherent: boolean;
  /** Interrupt remapping present: MSIs of devices behind it are isolated. */
  readonly interruptRemapping: boolean;
  /** VT-d 6.13+ scalable-mode first-stage domains (window one bit narrower). */
  readonly firstStage: boolean;
}

export type PcieType =
  | 'root_port'
  | 'upstream'
  | 'downstream'
  | 'pcie_to_pci_bridge'
  | 'conventional'
  | 'endpoint'
  | 'rc_endpoint';

/** ACS features as lspci prints them. */
export type AcsFlag = 'SV' | 'TB' | 'RR' | 'CR' | 'UF' | 'EC' | 'DT';
export const ACS_FLAGS: readonly AcsFlag[] = ['SV', 'TB', 'RR', 'CR', 'UF', 'EC', 'DT'];

/**
 * The ACS capability of a device: what it advertises (ACSCap) and what is enabled (ACSCtl).
 * `null` means the device has no ACS capability at all; `unknown` means it could not be read
 * (lspci's `<access denied>`).
 */
export type AcsState =
  { readonly cap: readonly AcsFlag[]; readonly ctl: readonly AcsFlag[] } | null | 'unknown';

export interface Bar {
  readonly index: number;
  readonly start: U64;
  readonly last: U64;
  readonly prefetchable: boolean;
  readonly is64: boolean;
}

export interface PciDevice {
  readonly bdf: string;
  readonly name: string | undefined;
  /** PCI class code, e.g. "0x030000". */
  readonly class: string | undefined;
  readonly vendor: string | undefined;
  readonly device: string | undefined;
  readonly pcieType: PcieType | undefined;
  /** The bdf of the bridge or port above, if any. */
  readonly parent: string | undefined;
  /** The IOMMU unit translating this device's DMA; undefined = no IOMMU. */
  readonly iommu: string | undefined;
  readonly acs: AcsState;
  readonly multifunction: boolean;
  /** Kernel driver bound on the host (`vfio-pci`, `nvidia`, `pcieport`, ...), undefined = none. */
  readonly hostDriver: string | undefined;
  readonly bars: readonly Bar[];
  /** A group number pinned by the scenario (imported hosts); else derived from topology. */
  readonly group: number | undefined;
  /** The host bridge this device sits under, if known. */
  readonly hostBridge: string | undefined;
}

export type ResvType = 'direct' | 'direct-relaxable' | 'reserved' | 'msi' | 'sw-msi';

/** Enum order of `enum iommu_resv_type`; it decides the order of equal starts in the group list. */
export const RESV_TYPE_ORDER: Record<ResvType, number> = {
  direct: 0,
  'direct-relaxable': 1,
  reserved: 2,
  msi: 3,
  'sw-msi': 4,
};

/**
 * Where the model got a reserved region, as data the analysis reads (the `origin` sentence is
 * for people): a group's sysfs `reserved_regions`; the same file read without group numbers, so
 * it is the union over all groups and every group has it; a window the import assumed because the
 * input had no reserved_regions; a sysfs `msi` line at MSI_IOVA_BASE on an SMMU host, which the
 * import restored to sw-msi; a firmware RMRR seen in dmesg; a PCI host bridge window the
 * 2017–2019 ARM kernels reported as reserved; the 0–16 MiB a VT-d ISA bridge reports under
 * CONFIG_INTEL_IOMMU_FLOPPY_WA.
 */
export const REGION_SOURCES = [
  'sysfs',
  'sysfs-union',
  'assumed',
  'sysfs-sw-msi',
  'rmrr',
  'host-bridge-window',
  'isa-floppy-wa',
] as const;
export type RegionSource = (typeof REGION_SOURCES)[number];

export interface ReservedRegionSpec {
  readonly start: U64;
  readonly last: U64;
  readonly type: ResvType;
  /** Applies to every device of this group... */
  readonly group: number | undefined;
  /** ...or to this one device. Neither: to every device (a platform-wide window). */
  readonly device: string | undefined;
  /** Where it comes from, for explanations ("RMRR", "IOAPIC/MSI window", "host bridge window"). */
  readonly origin: string | undefined;
  /** Where it comes from, for the analysis; undefined for a region a scenario states itself. */
  readonly source: RegionSource | undefined;
}

export interface HostBridgeWindow extends Range {
  readonly kind: 'mem' | 'mem64' | 'prefetch' | 'io' | 'bus';
}

export interface HostBridge {
  readonly id: string;
  readonly windows: readonly HostBridgeWindow[];
}

export interface ModuleParams {
  readonly 'vfio_iommu_type1.allow_unsafe_interrupts': boolean;
  readonly 'vfio_iommu_type1.dma_entry_limit': number;
  readonly 'iommufd.allow_unsafe_interrupts': boolean;
}

export interface KernelSettings {
  /** PAGE_SIZE of the host kernel. */
  readonly kernelPageSize: U64;
  readonly CONFIG_TRANSPARENT_HUGEPAGE: boolean;
  readonly HPAGE_SIZE: U64;
  /**
   * The VT-d ISA bridge workaround for legacy (floppy) DMA: from 5.3 the driver reports 0–16 MiB
   * of every ISA bridge as a 1:1 region (`intel_iommu_get_resv_regions`). Default off, so a
   * scenario states it; hosts that read sysfs get the region from `reserved_regions` instead.
   */
  readonly CONFIG_INTEL_IOMMU_FLOPPY_WA: boolean;
  /** "6.18"; selects the behaviour changes of kernel-semantics §9. */
  readonly version: string;
}

export type VaBackingKind = 'anonymous' | 'hugetlbfs' | 'pfnmap' | 'readonly';

export interface VaBacking extends Range {
  readonly kind: VaBackingKind;
  readonly name: string | undefined;
}

export interface UserProcess {
  /** RLIMIT_MEMLOCK in bytes; undefined = unlimited (or CAP_IPC_LOCK). */
  readonly memlockLimit: U64 | undefined;
  /**
   * What backs the process's virtual addresses. Undefined = every address is ordinary anonymous
   * memory (the usual assumption of a scenario that does not care).
   */
  readonly vaBacking: readonly VaBacking[] | undefined;
}

export interface Platform {
  readonly arch: 'x86_64' | 'aarch64';
  readonly kernel: KernelSettings;
  readonly moduleParams: ModuleParams;
  readonly iommus: readonly IommuUnit[];
  readonly hostBridges: readonly HostBridge[];
  /** The 2017–2019 ARM behaviour of seed 000: host bridge windows reported as reserved regions. */
  readonly hostBridgeWindowsReserved: boolean;
  readonly devices: readonly PciDevice[];
  readonly reservedRegions: readonly ReservedRegionSpec[];
  readonly process: UserProcess;
}
