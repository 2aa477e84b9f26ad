/**
 * Readable names of PCI class codes (PCI Code and ID Assignment spec; the names lspci prints),
 * for devices whose name is not known. Looked up by class+subclass, then by base class.
 */
const SUBCLASS: Readonly<Record<string, string>> = {
  '0000': 'non-VGA unclassified device',
  '0001': 'VGA compatible unclassified device',
  '0100': 'SCSI storage controller',
  '0101': 'IDE interface',
  '0104': 'RAID bus controller',
  '0105': 'ATA controller',
  '0106': 'SATA controller',
  '0107': 'Serial Attached SCSI controller',
  '0108': 'NVMe controller',
  '0180': 'mass storage controller',
  '0200': 'Ethernet controller',
  '0207': 'InfiniBand controller',
  '0280': 'network controller',
  '0300': 'VGA compatible controller',
  '0301': 'XGA compatible controller',
  '0302': '3D controller',
  '0380': 'display controller',
  '0400': 'multimedia video controller',
  '0401': 'multimedia audio controller',
  '0403': 'audio device',
  '0480': 'multimedia controller',
  '0500': 'RAM memory',
  '0580': 'memory controller',
  '0600': 'host bridge',
  '0601': 'ISA bridge',
  '0604': 'PCI bridge',
  '0609': 'PCI bridge (semi-transparent)',
  '0680': 'bridge',
  '0700': 'serial controller',
  '0780': 'communication controller',
  '0800': 'PIC',
  '0805': 'SD host controller',
  '0806': 'IOMMU',
  '0880': 'system peripheral',
  '0c03': 'USB controller',
  '0c05': 'SMBus',
  '0c80': 'serial bus controller',
  '0d80': 'wireless controller',
  '1080': 'encryption controller',
  '1101': 'performance counters',
  '1180': 'signal processing controller',
  '1200': 'processing accelerator',
  '1300': 'non-essential instrumentation',
};

const BASE: Readonly<Record<string, string>> = {
  '00': 'unclassified device',
  '01': 'mass storage controller',
  '02': 'network controller',
  '03': 'display controller',
  '04': 'multimedia controller',
  '05': 'memory controller',
  '06': 'bridge',
  '07': 'communication controller',
  '08': 'system peripheral',
  '09': 'input device controller',
  '0a': 'docking station',
  '0b': 'processor',
  '0c': 'serial bus controller',
  '0d': 'wireless controller',
  '0e': 'intelligent controller',
  '0f': 'satellite communications controller',
  '10': 'encryption controller',
  '11': 'signal processing controller',
  '12': 'processing accelerator',
  '13': 'non-essential instrumentation',
  '40': 'coprocessor',
  ff: 'unassigned class',
};

/**
 * "0x060400" → "PCI bridge", "0x010802" → "NVMe controller"; a code outside the table names its
 * base class; text that is not a class code is returned as it is (undefined stays undefined).
 */
export function pciClassName(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const m = /^(?:0x)?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(code.trim());
  if (!m) return code;
  const base = (m[1] as string).toLowerCase();
  const sub = (m[2] as string).toLowerCase();
  return SUBCLASS[base + sub] ?? BASE[base] ?? `class ${code}`;
}

/** What a device is called: its name, else its class in words, else nothing. */
export function deviceLabel(d: {
  readonly name?: string | undefined;
  readonly class?: string | undefined;
}): string {
  return d.name ?? pciClassName(d.class) ?? '';
}
