/**
 * Decoding of the IOMMU capability registers sysfs and dmesg print, into the platform fields.
 * VT-d: `/sys/class/iommu/dmarN/intel-iommu/{cap,ecap}` (drivers/iommu/intel/iommu.h `cap_mgaw`,
 * `cap_sagaw`, `cap_super_page_val`, `ecap_sc_support`, `ecap_ir_support`, `ecap_coherent`).
 * AMD-Vi: `/sys/class/iommu/ivhdN/amd-iommu/features` (the EFR; HATS bits 11:10 give the host
 * page-table levels, `amd_iommu_hpt_level`).
 */

export interface DecodedUnit {
  addressWidth: number;
  pageSizes: bigint[];
  snoopControl?: boolean;
  coherent?: boolean;
  interruptRemapping?: boolean;
  detail: string;
}

const K4 = 0x1000n;
const M2 = 0x200000n;
const G1 = 0x40000000n;

export function decodeVtd(cap: bigint, ecap: bigint): DecodedUnit {
  const mgaw = Number((cap >> 16n) & 0x3fn) + 1;
  const sagaw = Number((cap >> 8n) & 0x1fn);
  // agaw widths: bit 1 = 39-bit (3-level), bit 2 = 48-bit (4-level), bit 3 = 57-bit (5-level).
  const widths = [39, 48, 57].filter((_, i) => (sagaw >> (i + 1)) & 1);
  const agawWidth = widths.length > 0 ? Math.max(...widths) : mgaw;
  const addressWidth = Math.min(agawWidth, mgaw); // intel_iommu domain gaw = min(agaw width, cap_mgaw)
  const sllps = Number((cap >> 34n) & 0xfn);
  const pageSizes = [K4, ...(sllps & 1 ? [M2] : []), ...(sllps & 2 ? [G1] : [])];
  const snoopControl = ((ecap >> 7n) & 1n) === 1n;
  const interruptRemapping = ((ecap >> 3n) & 1n) === 1n;
  // ecap bit 0 (C) is page-walk coherency, not DMA coherency: IOMMU_CAP_CACHE_COHERENCY is
  // always true on VT-d (intel_iommu_capable), so `coherent` is left at its default.
  const pageWalkCoherent = (ecap & 1n) === 1n;
  return {
    addressWidth,
    pageSizes,
    snoopControl,
    interruptRemapping,
    detail: `MGAW ${mgaw} bits, SAGAW ${widths.join('/') || 'none'} → ${addressWidth}-bit domains; superpages ${
      pageSizes.length > 1
        ? pageSizes
            .slice(1)
            .map((p) => (p === M2 ? '2M' : '1G'))
            .join('+')
        : 'none'
    }; SC ${snoopControl ? 'yes' : 'no'}; IR ${interruptRemapping ? 'yes' : 'no'}; page-walk coherent ${pageWalkCoherent ? 'yes' : 'no'}`,
  };
}

export function decodeAmdFeatures(features: bigint): DecodedUnit {
  const hats = Number((features >> 10n) & 3n);
  // HATS: 0 = 4 levels (48-bit), 1 = 5 levels (57-bit), 2 = 6 levels (64-bit); 3 is reserved.
  const addressWidth = hats === 1 ? 57 : hats === 2 ? 64 : 48;
  return {
    addressWidth,
    pageSizes: [],
    snoopControl: true,
    detail: `EFR HATS=${hats} → ${addressWidth}-bit v1 page table`,
  };
}
