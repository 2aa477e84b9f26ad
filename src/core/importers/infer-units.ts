import { ASSUMED_REGION_NOTE } from '../platform/region-source.ts';
import { isPciBdf } from '../platform/bdf.ts';
import { AMD_HT_WINDOW, DEFAULT_ADDRESS_WIDTH, X86_MSI_WINDOW } from '../platform/defaults.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import type { IommuKind } from '../platform/types.ts';
import type { HostFacts, UnitAssumption } from './types.ts';

/**
 * An imported IOMMU group is a fact; which unit translates it often is not in the paste (group
 * listings, lspci and reserved_regions name none, and Intel hosts have several DRHD units). The
 * platform model pins a group only for a device behind a unit, so a grouped device without one
 * gets one here: the unit the user picked, else the only unit known, else (VT-d) the last DRHD —
 * the INCLUDE_PCI_ALL unit, which the DMAR table must list last — else a unit of the kind the
 * host's vendor implies (an Intel or AMD host bridge, ARM platform devices or arch). Every guess
 * is written down in `HostFacts.unitAssumption`, and findings that rest on it say so.
 */

export const ASSUMED_UNIT_PREFIX = 'assumed-';

export type Vendor = 'intel' | 'amd' | 'arm';

const KIND_OF: Record<Vendor, IommuKind> = { intel: 'vtd', amd: 'amd', arm: 'smmuv3' };
export const KIND_NAME: Record<IommuKind, string> = {
  vtd: 'Intel VT-d',
  amd: 'AMD-Vi',
  smmuv3: 'Arm SMMU',
  mock: 'mock IOMMU',
};

const ARM_VENDOR_IDS = new Set([
  '0x19e5',
  '0x17cb',
  '0x1def',
  '0x1d87',
  '0x14e4',
  '0x1e0f',
  '0x1d17',
  '0x16c3',
  '0x11ab',
  '0x177d',
  '0x1c36',
  '0x1d0f',
]);

/** What the paste says about the host's vendor, and the words that said it. */
export function inferVendor(
  platform: PlatformInput,
  host: HostFacts,
): { vendor: Vendor; because: string } | undefined {
  if (/AuthenticAMD|HygonGenuine/i.test(host.cpuVendor ?? ''))
    return { vendor: 'amd', because: `the CPU vendor is ${host.cpuVendor}` };
  if (/GenuineIntel/i.test(host.cpuVendor ?? ''))
    return { vendor: 'intel', because: 'the CPU vendor is GenuineIntel' };
  if (/^0x4[1-9a-f]$/i.test(host.cpuVendor ?? ''))
    return { vendor: 'arm', because: `the CPU implementer is ${host.cpuVendor}` };
  const devices = platform.devices ?? [];
  const platformDev = devices.find((d) => !isPciBdf(d.bdf));
  if (platformDev)
    return {
      vendor: 'arm',
      because: `${platformDev.bdf} is a platform (non-PCI) device, as on Arm SoCs`,
    };
  if (platform.arch === 'aarch64' || /aarch64|arm64/.test(host.machine ?? ''))
    return { vendor: 'arm', because: 'the architecture is aarch64' };
  // The root complex: host bridges first, then the bridges, then anything on bus 00.
  const rank = (d: (typeof devices)[number]) =>
    d.class?.startsWith('0x0600')
      ? 0
      : d.class?.startsWith('0x06')
        ? 1
        : d.bdf.endsWith(':00:00.0')
          ? 2
          : 3;
  for (const d of [...devices].sort((a, b) => rank(a) - rank(b))) {
    if (rank(d) === 3) break;
    const what = `${['the host bridge', 'the bridge', 'the root complex device'][rank(d)]} ${d.bdf}${d.name ? ` (${d.name})` : ''}`;
    if (d.vendor === '0x8086' || /^Intel Corporation/.test(d.name ?? ''))
      return { vendor: 'intel', because: `${what} is Intel's` };
    if (
      d.vendor === '0x1022' ||
      d.vendor === '0x1d94' ||
      /^(?:Advanced Micro Devices|AMD)\b/.test(d.name ?? '')
    )
      return { vendor: 'amd', because: `${what} is AMD's` };
    if (
      (d.vendor && ARM_VENDOR_IDS.has(d.vendor)) ||
      /Ampere|Rockchip|Broadcom.*BCM27|HiSilicon|Qualcomm|Marvell.*Armada|Tegra|Freescale|NXP/i.test(
        d.name ?? '',
      )
    ) {
      return { vendor: 'arm', because: `${what} is an Arm SoC's` };
    }
  }
  return undefined;
}

/** The host's vendor: from the IOMMU units the input names, else from the evidence above. */
export function platformVendor(platform: PlatformInput, host: HostFacts): Vendor | undefined {
  const kinds = new Set((platform.iommus ?? []).map((u) => u.kind));
  if (kinds.has('vtd')) return 'intel';
  if (kinds.has('amd')) return 'amd';
  if (kinds.has('smmuv3')) return 'arm';
  return inferVendor(platform, host)?.vendor;
}

export interface UnitChoice {
  kind: IommuKind;
  addressWidth?: number;
}

/** Units and device links for every grouped device; platform unchanged when nothing needs a unit. */
export function inferUnits(
  platform: PlatformInput,
  host: HostFacts,
  choice?: UnitChoice,
): { platform: PlatformInput; assumption?: UnitAssumption } {
  const devices = platform.devices ?? [];
  const known = (platform.iommus ?? []).filter((u) => !u.id.startsWith(ASSUMED_UNIT_PREFIX));
  const needs = devices.filter(
    (d) =>
      d.group !== undefined &&
      (d.iommu === undefined ||
        d.iommu.startsWith(ASSUMED_UNIT_PREFIX) ||
        !known.some((u) => u.id === d.iommu)),
  );
  if (needs.length === 0 && !choice) return { platform: { ...platform, iommus: known } };
  let unit: NonNullable<PlatformInput['iommus']>[number];
  let assumption: UnitAssumption;
  if (choice) {
    const existing = known.find((u) => u.kind === choice.kind);
    unit = existing
      ? { ...existing, ...(choice.addressWidth ? { addressWidth: choice.addressWidth } : {}) }
      : {
          id: `${ASSUMED_UNIT_PREFIX}${choice.kind}`,
          kind: choice.kind,
          addressWidth: choice.addressWidth ?? DEFAULT_ADDRESS_WIDTH[choice.kind],
        };
    assumption = {
      kind: choice.kind,
      unit: unit.id,
      addressWidth: unit.addressWidth ?? DEFAULT_ADDRESS_WIDTH[choice.kind],
      widthAssumed: choice.addressWidth === undefined && unit.addressWidth === undefined,
      because: 'picked by the user',
      picked: true,
    };
  } else if (known.length > 0) {
    const vtd = known.filter((u) => u.kind === 'vtd');
    unit = (vtd.length > 1 ? vtd[vtd.length - 1] : known[0]) as NonNullable<
      PlatformInput['iommus']
    >[number];
    assumption = {
      kind: unit.kind,
      unit: unit.id,
      addressWidth: unit.addressWidth ?? DEFAULT_ADDRESS_WIDTH[unit.kind],
      widthAssumed: unit.addressWidth === undefined,
      because:
        known.length === 1
          ? `${unit.id} is the only IOMMU unit the input names`
          : vtd.length > 1
            ? `the input does not say which of ${known.map((u) => u.id).join(', ')} translates them; ${unit.id}, the last DRHD, is the one that covers every device no other unit claims (INCLUDE_PCI_ALL)`
            : `the input does not say which of ${known.map((u) => u.id).join(', ')} translates them`,
      picked: false,
    };
  } else {
    const v = inferVendor(platform, host);
    const kind = v ? KIND_OF[v.vendor] : platform.arch === 'aarch64' ? 'smmuv3' : 'vtd';
    unit = { id: `${ASSUMED_UNIT_PREFIX}${kind}`, kind, addressWidth: DEFAULT_ADDRESS_WIDTH[kind] };
    assumption = {
      kind,
      unit: unit.id,
      addressWidth: DEFAULT_ADDRESS_WIDTH[kind],
      widthAssumed: true,
      because: v ? v.because : 'nothing in the input names the IOMMU or the host vendor',
      vendorUnknown: !v,
      picked: false,
    };
  }
  const units = [...known.filter((u) => u.id !== unit.id), unit];
  const linked = devices.map((d) =>
    needs.includes(d) || (choice && d.group !== undefined) ? { ...d, iommu: unit.id } : d,
  );
  let regions = platform.reservedRegions ?? [];
  // No reserved_regions in the input: the x86 drivers report these for every device
  // (intel_iommu_get_resv_regions: the IOAPIC/MSI range; amd_iommu_get_resv_regions: MSI and the
  // HyperTransport window), so they are as certain as the vendor.
  if (regions.length === 0 && (unit.kind === 'vtd' || unit.kind === 'amd')) {
    regions = [
      {
        ...X86_MSI_WINDOW,
        type: 'msi',
        origin: `MSI window every ${KIND_NAME[unit.kind]} device reports (${ASSUMED_REGION_NOTE})`,
        source: 'assumed' as const,
      },
      ...(unit.kind === 'amd'
        ? [
            {
              ...AMD_HT_WINDOW,
              type: 'reserved' as const,
              origin: `AMD HyperTransport window (${ASSUMED_REGION_NOTE})`,
              source: 'assumed' as const,
            },
          ]
        : []),
    ];
    assumption.regionsAssumed = true;
  }
  return {
    platform: {
      ...platform,
      iommus: units,
      devices: linked,
      ...(regions.length ? { reservedRegions: regions } : {}),
    },
    assumption,
  };
}

/** The sentence findings append when they rest on an assumed unit. */
export function assumptionSentence(a: UnitAssumption | undefined): string | undefined {
  if (!a || a.picked)
    return a?.picked
      ? `IOMMU: ${KIND_NAME[a.kind]}${a.widthAssumed ? `, ${a.addressWidth}-bit width assumed` : `, ${a.addressWidth}-bit`} (as picked)`
      : undefined;
  return `Assumed: the IOMMU unit is ${KIND_NAME[a.kind]} (${a.because})${a.widthAssumed ? ` with a ${a.addressWidth}-bit address width, which the input does not state` : ''}`;
}
