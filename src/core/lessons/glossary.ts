/**
 * The words the lessons and the map use, each said in plain words for someone who has never
 * heard of an IOMMU group. `match` lists the forms a text may use (matched whole, any case), the
 * first being the term itself; the lessons' text links the first use of each (LessonsPanel).
 */
export interface GlossaryTerm {
  readonly term: string;
  readonly match: readonly string[];
  readonly definition: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    term: 'DMA',
    match: ['DMA'],
    definition:
      'Direct memory access: a device (a GPU, a NIC, an NVMe drive) reading or writing memory by itself, without the CPU copying the data.',
  },
  {
    term: 'IOMMU',
    match: ['IOMMU', 'IOMMUs'],
    definition:
      "A translator between devices and memory, like the CPU's MMU but for DMA: it turns the addresses a device uses into real memory addresses, and refuses the ones nobody mapped. Intel calls theirs VT-d, AMD AMD-Vi, Arm the SMMU.",
  },
  {
    term: 'IOVA',
    match: ['IOVA', 'IOVAs'],
    definition:
      'I/O virtual address: an address as a device sees it when an IOMMU translates it. The map shows the whole 64-bit IOVA space of a container or IOAS.',
  },
  {
    term: 'mapping',
    match: ['mapping', 'mappings', 'map_dma'],
    definition:
      'A range of IOVAs the IOMMU is told to translate to a range of host memory (VFIO_IOMMU_MAP_DMA, IOMMU_IOAS_MAP). DMA outside every mapping faults.',
  },
  {
    term: 'domain',
    match: ['domain', 'domains'],
    definition:
      'One set of IOMMU page tables. Every device attached to the same domain sees the same IOVA space; a container or IOAS may need several domains when its devices sit behind different IOMMUs.',
  },
  {
    term: 'IOMMU group',
    match: ['IOMMU group', 'IOMMU groups', 'group', 'groups'],
    definition:
      "The smallest set of devices the kernel can isolate from each other: devices that could reach each other's DMA without the IOMMU seeing it share a group, and VFIO gives a guest whole groups only.",
  },
  {
    term: 'ACS',
    match: ['ACS'],
    definition:
      'Access Control Services, a PCIe feature of bridges and multi-function devices: with it on, peer-to-peer traffic is sent up to the IOMMU instead of straight across, so the devices below can be in separate groups.',
  },
  {
    term: 'root port',
    match: ['root port', 'root ports'],
    definition:
      'Where a PCIe link leaves the CPU package: every PCIe device hangs below one. Whether it has ACS decides whether the devices below it share a group.',
  },
  {
    term: 'peer-to-peer',
    match: ['peer-to-peer', 'P2P'],
    definition:
      "DMA from one device straight to another device's memory (its BAR), which can cross a switch or host bridge without ever reaching the IOMMU.",
  },
  {
    term: 'BAR',
    match: ['BAR', 'BARs'],
    definition:
      "A PCI device's base address register: a window of its own memory or registers placed in the physical address space, where the host and other devices reach it.",
  },
  {
    term: 'VFIO',
    match: ['VFIO'],
    definition:
      'The Linux interface that hands a device to user space (QEMU, DPDK) safely: the device is bound to vfio-pci and its DMA goes only where the program mapped.',
  },
  {
    term: 'container',
    match: ['container', 'containers'],
    definition:
      "VFIO's original (type1) object that holds groups and their DMA mappings: /dev/vfio/vfio, one IOVA space shared by every group set into it.",
  },
  {
    term: 'iommufd',
    match: ['iommufd', '/dev/iommu'],
    definition:
      'The newer interface (/dev/iommu) that replaces the container: devices bind to it through their VFIO cdev and attach to IOAS and HWPT objects.',
  },
  {
    term: 'IOAS',
    match: ['IOAS', 'IOASes'],
    definition:
      'I/O address space, the iommufd object that holds mappings (areas), like a container does; its HWPTs put them in page tables.',
  },
  {
    term: 'HWPT',
    match: ['HWPT', 'HWPTs'],
    definition:
      'Hardware page table, the iommufd object for one IOMMU domain: a device attaches to a HWPT, which takes its mappings from an IOAS.',
  },
  {
    term: 'reserved region',
    match: ['reserved region', 'reserved regions', 'reserved'],
    definition:
      'IOVAs a device may not use for mappings: the MSI window, direct-mapped regions, host bridge windows. The kernel lists them in /sys/kernel/iommu_groups/N/reserved_regions and refuses maps over them.',
  },
  {
    term: 'MSI',
    match: ['MSI', 'MSIs', 'MSI window', 'sw-msi', 'SW_MSI'],
    definition:
      'Message-signalled interrupt: a device raises an interrupt by writing to a special address (0xfee00000 on x86, a doorbell on Arm). Those addresses cannot hold memory mappings.',
  },
  {
    term: 'interrupt remapping',
    match: ['interrupt remapping', 'allow_unsafe_interrupts'],
    definition:
      "An IOMMU feature that checks each device's MSIs, so a device cannot forge another's interrupts. Without it VFIO refuses the device unless allow_unsafe_interrupts is set.",
  },
  {
    term: 'RMRR',
    match: ['RMRR', 'RMRRs', 'IVMD', 'direct'],
    definition:
      'Reserved memory region reporting (Intel; AMD calls it IVMD): firmware saying a device keeps doing DMA to some memory (a USB keyboard buffer, a GPU stolen region), so it must stay mapped 1:1.',
  },
  {
    term: 'aperture',
    match: ['aperture', 'address width'],
    definition:
      'The range of IOVAs an IOMMU domain can translate at all: 2^39, 2^48 or 2^57 bytes for VT-d, by how many page-table levels it has. Nothing can be mapped beyond it.',
  },
  {
    term: 'page table',
    match: ['page table', 'page tables', 'page-table'],
    definition:
      'The tree of tables the IOMMU walks to translate an IOVA: each level is indexed by a few of its bits, and a leaf entry maps a 4 KiB, 2 MiB or 1 GiB page. The inspector shows the walk of a selected mapping.',
  },
  {
    term: 'errno',
    match: ['errno', 'EINVAL', 'EEXIST', 'EBUSY', 'ENOSPC', 'EPERM', 'ENOMEM', 'EFAULT'],
    definition:
      'The error number a failed ioctl returns (EINVAL, EEXIST, EBUSY...). The app answers each action with the errno the kernel would, and says which rule gave it.',
  },
];

/** The entry for a term or one of its forms, any case. */
export function glossaryEntry(word: string): GlossaryTerm | undefined {
  const w = word.toLowerCase();
  return GLOSSARY.find((t) => t.match.some((m) => m.toLowerCase() === w));
}
