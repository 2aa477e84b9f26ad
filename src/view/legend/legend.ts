import type { Palette } from '../theme/palette.ts';

/**
 * What the map's colours and marks mean, for the legend beside it (and the glossary terms each
 * one is explained by). Drawn from the palette the canvas uses, so the swatches are the map's.
 */
export interface LegendEntry {
  readonly label: string;
  readonly meaning: string;
  /** The colour of its swatch in a palette. */
  readonly swatch: (p: Palette) => string;
  /** A mark drawn as an outline or an edge rather than a fill. */
  readonly outline?: boolean;
}

export const LEGEND: readonly LegendEntry[] = [
  {
    label: 'mapped',
    meaning: 'a DMA mapping: these IOVAs translate to the host memory behind it',
    swatch: (p) => p.mapping,
  },
  {
    label: 'N maps',
    meaning: 'several mappings too small to tell apart at this zoom, with their count',
    swatch: (p) => p.aggregate,
  },
  {
    label: 'valid IOVA',
    meaning: 'where a container or IOAS may map (its valid IOVA ranges)',
    swatch: (p) => p.spans.valid,
  },
  {
    label: 'msi',
    meaning: 'the MSI window (0xfee00000 on x86): DMA there is an interrupt, never mapped',
    swatch: (p) => p.spans.msi,
  },
  {
    label: 'sw-msi',
    meaning: 'a software MSI window (Arm): the kernel maps the interrupt doorbell there itself',
    swatch: (p) => p.spans['sw-msi'],
  },
  {
    label: 'reserved',
    meaning: 'a reserved region the IOMMU driver keeps out of reach (host bridge windows, ...)',
    swatch: (p) => p.spans.reserved,
  },
  {
    label: 'direct',
    meaning: 'a direct-mapped region (an RMRR or IVMD): the device needs it mapped 1:1',
    swatch: (p) => p.spans.direct,
  },
  {
    label: 'direct-relaxable',
    meaning:
      'a direct region the kernel lets VFIO leave out (USB and graphics RMRRs, the ISA bridge floppy window)',
    swatch: (p) => p.spans['direct-relaxable'],
  },
  {
    label: 'host bridge window',
    meaning: 'a PCI host bridge window: peer-to-peer DMA there can bypass the IOMMU',
    swatch: (p) => p.spans.window,
  },
  {
    label: 'guest RAM',
    meaning: "the guest's memory, as its machine type lays it out",
    swatch: (p) => p.spans['guest-ram'],
  },
  {
    label: 'guest hole',
    meaning: 'guest physical addresses that are not RAM (the PCI hole below 4 GiB, ...)',
    swatch: (p) => p.spans['guest-other'],
  },
  {
    label: 'outside the aperture',
    meaning: 'addresses the IOMMU cannot translate at all; the line marks where the aperture ends',
    swatch: (p) => p.outsideAperture,
  },
  {
    label: 'would map',
    meaning: "the Actions form's mapping before you run it (red when its dry run is refused)",
    swatch: (p) => p.ghostEdge,
    outline: true,
  },
  {
    label: 'refused',
    meaning: 'where a run just failed, and what was in the way, outlined',
    swatch: (p) => p.refusedEdge,
    outline: true,
  },
  {
    label: 'pasted line',
    meaning: 'an address from a pasted error or fault line (dmesg, QEMU), across every lane',
    swatch: (p) => p.eventMark,
    outline: true,
  },
  {
    label: 'finding',
    meaning: 'the range the finding you focused is about',
    swatch: (p) => p.focusMark,
    outline: true,
  },
  {
    label: 'selected',
    meaning: 'what the inspector shows',
    swatch: (p) => p.selection,
    outline: true,
  },
];

/** Marks outside the map that the legend explains too. */
export const TEXT_MARKS: readonly { readonly mark: string; readonly meaning: string }[] = [
  {
    mark: '⚠',
    meaning:
      'in the topology: the device is bound to a host driver that does DMA through the kernel (not vfio-pci, pci-stub or pcieport), so VFIO cannot take its IOMMU group while it stays bound',
  },
];
