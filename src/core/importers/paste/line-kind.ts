import type { InputKind } from '../types.ts';
import type { CleanLine } from './clean.ts';

/**
 * What kind of tool output one cleaned line can be, best guess first. A line may belong to
 * several (an `lspci -nns` line is also a group member under `IOMMU Group N:`; a fault line is
 * dmesg and an error line); the splitter keeps a piece going while its kind is in the list.
 * Also the kind a typed command announces (`$ lspci -tv` → lspci-tv).
 */

const BDF = '(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]';
const LSPCI_HEADER = new RegExp(`^\\s*${BDF}\\s[^:]+:\\s`);
const LSPCI_DETAIL =
  /^\s+(?:Capabilities:|Kernel driver in use:|Kernel modules:|ACSCap:|ACSCtl:|Region \d+:|Control:|Status:|Subsystem:|Flags:|Memory at|I\/O ports at|Bus:|Latency:|Interrupt:|Expansion ROM|LnkCap|LnkSta|LnkCtl|DevCap|DevCtl|DevSta|Physical Slot:|NUMA node:|IOMMU group:|Secondary status|BridgeCtl|Prefetchable memory|Memory behind|I\/O behind|Address:|Masking:|Vector table:|PBA:|Vector table|Product Name:|Read-only fields:|End$|UESta|UEMsk|UESvrt|CESta|CEMsk|AERCap|HeaderLog|SltCap|SltCtl|SltSta|RootC|RootSta|RootCap|DevCap2|DevCtl2|LnkCap2|LnkCtl2|LnkSta2|Compliance|Express |\[[0-9A-Z]{2}\] )/;
const GROUP_LINE =
  /^\s*(?:IOMMU\s+)?[Gg]roup:?\s+(?:\d+|\*)(?:\s|:|$)|iommu_groups\/(?:\d+|\*)\/devices|^\s*USB:\s/;
/** A member as a PCI path (`0000:00:1c.3/08:00.0 Class [cccc]: ...`) or in a helper script's columns. */
const GROUP_MEMBER = new RegExp(
  `^\\s*(?:${BDF}/)+${BDF}\\s[^:]+:\\s|^\\s*(?:\\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\\]\\s+)?(?:\\[(?:R|RESET)\\]\\s+)?${BDF}\\s{2,}\\S`,
);
const LS_LINK = /^\s*l[rwx-]{9}.*\s->\s.*(?:devices\/|\.\.\/)/;
const RESV =
  /^\s*(?:\S*reserved_regions:)?0x[0-9a-fA-F]{16}\s+0x[0-9a-fA-F]{16}\s+(?:direct|direct-relaxable|reserved|msi|sw-msi)\s*$/;
const RESV_HEADER = /reserved_regions\s*<==|==>.*reserved_regions/;
const TV =
  /^[-+\\| ]*-\[[0-9a-fA-F]{4}:[0-9a-fA-F]{2}\]-|^\s*[|+\\]-[0-9a-fA-F]{2}\.[0-7]|^[|\s]+[+\\]-[0-9a-fA-F]{2}\.[0-7]|^\s+\|\s*$/;
const VMM =
  /^(?:Slot|Class|Vendor|Device|IOMMUGroup|SVendor|SDevice|Rev|ProgIf|Driver|Module|NUMANode|PhySlot):\s+\S/;
const IOMEM = /^\s*[0-9a-fA-F]{8,16}-[0-9a-fA-F]{8,16} : \S/;
const MTREE =
  /\(prio -?\d+, [^)]+\):|^\s*address-space(?: \(\w+\))?:|^\s*FlatView #\d+|^\s*AS "[^"]+", root:|^\s*memory-region:|^\s*Root memory region:|^\s*No rendered FlatView/;
const TRACE =
  /^\s*(?:\d+@\d+\.\d+:)?(?:vfio_listener_region_|vfio_region_|vfio_dma_|vfio_iommu_|vfio_pci_|vfio_intx|vfio_msi|vfio_populate|vfio_get_|vfio_container_|vfio_device_|vfio_spapr|vfio_known_safe|vfio_ram_discard|iommufd_|vfio_listener_)\w*\s/;
const ERROR =
  /vfio_(?:container_)?dma_map\(|IO_PAGE_FAULT|INVALID_DEVICE_REQUEST|fault addr|iommu width \(\d+\) is not sufficient|VFIO_MAP_DMA|failed to setup container|is not viable|Unhandled context fault|ineligible for IOMMU domain attach|Event logged \[|DMA mappings|iommufd_backend_map_dma|failed to map|Failed to DMA map|Invalid argument|Bad address|Cannot allocate memory|vfio_container_|VFIO_IOMMU_MAP_DMA|IOMMU_IOAS_MAP|Device or resource busy|VfioMapRegion|IommuDmaMap|os error \d+|EAL:.*(?:DMA|VFIO)/;
const KERNEL_IOMMU =
  /DMAR|AMD-Vi|iommu|IOMMU|smmu|SMMU|\bITS\b|GICv2m|GICv3|\bACS\b|vfio|VFIO|x2apic|X2APIC|IRQ remapping|Interrupt remapping|PCI-DMA|perf\/amd_iommu|ivrs|IVRS|\bIORT\b/;

/** The kinds a cleaned line can belong to, preferred first; empty when it is none of them. */
export function lineKinds(line: CleanLine): InputKind[] {
  const s = line.text;
  if (s.trim() === '') return [];
  const out: InputKind[] = [];
  if (RESV.test(s) || RESV_HEADER.test(s)) out.push('reserved-regions');
  if (MTREE.test(s)) out.push('mtree');
  if (IOMEM.test(s)) out.push('iomem');
  if (TV.test(s)) out.push('lspci-tv');
  if (VMM.test(s)) out.push('lspci-vmm');
  if (TRACE.test(s)) out.push('qemu-trace');
  const group =
    GROUP_LINE.test(s) ||
    GROUP_MEMBER.test(s) ||
    LS_LINK.test(s) ||
    /Adding to iommu group|Adding device \S+ to group/.test(s);
  if (
    line.logPrefix ||
    (KERNEL_IOMMU.test(s) &&
      /^(?:pci|vfio-pci|DMAR|AMD-Vi|iommu|arm-smmu|perf|platform|pcieport|x2apic|ACPI|PCI|\w+ \S+: )/.test(
        s,
      ))
  ) {
    out.push('dmesg');
  }
  if (ERROR.test(s)) {
    out.push('error-lines');
    // QEMU's own error lines belong with the trace they interrupt.
    if (/vfio_(?:container_)?dma_map\(|IOMMU_IOAS_MAP|VFIO_MAP_DMA/.test(s)) out.push('qemu-trace');
  }
  if (group) out.push('groups');
  if (LSPCI_HEADER.test(s)) {
    out.push('lspci-vvv');
    out.push('groups');
  } else if (LSPCI_DETAIL.test(s)) {
    out.push('lspci-vvv');
    // The group scripts that print `lspci -nnk` per device carry its driver lines.
    if (/^\s+(?:Kernel driver in use:|Kernel modules:|Subsystem:)/.test(s)) out.push('groups');
  }
  if (
    /^\s*(?:\/sys\/kernel\/iommu_groups\/\d+\/devices\/)?[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]\s*$/.test(
      s,
    )
  )
    out.push('groups');
  return [...new Set(out)];
}

/** The kind a typed command announces for the output under it. */
export function commandKind(command: string): InputKind | undefined {
  const c = command.replace(/^(?:sudo|doas)\s+/, '');
  if (/reserved_regions/.test(c)) return 'reserved-regions';
  if (/iommu_groups|ls-iommu|iommu[\w-]*\.sh|lsiommu|IOMMU Group/.test(c)) return 'groups';
  if (/^lspci\b/.test(c)) {
    if (/\s-\w*t/.test(c)) return 'lspci-tv';
    if (/\s-\w*mm/.test(c)) return 'lspci-vmm';
    return 'lspci-vvv';
  }
  if (/\/proc\/iomem/.test(c)) return 'iomem';
  if (/^(?:dmesg|journalctl)\b|\/var\/log\/(?:kern|syslog|messages)/.test(c)) return 'dmesg';
  if (/info\s+mtree/.test(c)) return 'mtree';
  if (/trace|\.log\b/.test(c) && /vfio|qemu|iommufd/.test(c)) return 'qemu-trace';
  return undefined;
}
