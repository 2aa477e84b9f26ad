import { canonicalBdf } from '../platform/bdf.ts';
import type { PlatformInput } from '../platform/normalize.ts';

export type DeviceInput = NonNullable<PlatformInput['devices']>[number];

/**
 * Devices gathered from several inputs (sysfs, lspci, dmesg), keyed by canonical BDF. A later
 * source fills fields an earlier one left empty; it never erases one.
 */
export class DeviceTable {
  private readonly map = new Map<string, DeviceInput>();

  get(bdf: string): DeviceInput | undefined {
    return this.map.get(canonicalBdf(bdf));
  }

  merge(bdf: string, fields: Partial<DeviceInput>): DeviceInput {
    const key = canonicalBdf(bdf);
    const cur = this.map.get(key) ?? { bdf: key };
    const next: DeviceInput = { ...cur };
    for (const [k, v] of Object.entries(fields) as Array<[keyof DeviceInput, unknown]>) {
      if (v === undefined || k === 'bdf') continue;
      if ((next as Record<string, unknown>)[k] === undefined)
        (next as Record<string, unknown>)[k] = v;
    }
    this.map.set(key, next);
    return next;
  }

  /** Overwrites fields (for a source that is authoritative for them, e.g. lspci ACS over "unknown"). */
  set(bdf: string, fields: Partial<DeviceInput>): void {
    const key = canonicalBdf(bdf);
    const cur = this.map.get(key) ?? { bdf: key };
    const next: DeviceInput = { ...cur };
    for (const [k, v] of Object.entries(fields) as Array<[keyof DeviceInput, unknown]>) {
      if (v !== undefined && k !== 'bdf') (next as Record<string, unknown>)[k] = v;
    }
    this.map.set(key, next);
  }

  has(bdf: string): boolean {
    return this.map.has(canonicalBdf(bdf));
  }

  get size(): number {
    return this.map.size;
  }

  list(): DeviceInput[] {
    return [...this.map.values()];
  }
}

/** lspci's class names → the base/sub class code, for inputs that print only the name. */
export const CLASS_NAMES: Record<string, string> = {
  'host bridge': '0600',
  'isa bridge': '0601',
  'pci bridge': '0604',
  'vga compatible controller': '0300',
  '3d controller': '0302',
  'display controller': '0380',
  'audio device': '0403',
  'multimedia audio controller': '0401',
  'ethernet controller': '0200',
  'network controller': '0280',
  'non-volatile memory controller': '0108',
  'sata controller': '0106',
  'raid bus controller': '0104',
  'usb controller': '0c03',
  smbus: '0c05',
  'serial bus controller': '0c80',
  'communication controller': '0780',
  'signal processing controller': '1180',
  'system peripheral': '0880',
  'encryption controller': '1080',
  'processing accelerators': '1200',
  'memory controller': '0580',
  'ram memory': '0500',
  'infiniband controller': '0207',
  'fibre channel': '0c04',
  'serial attached scsi controller': '0107',
  iommu: '0806',
};

/** "Audio device [0403]" / "Audio device" → "0x040300". */
export function classFromText(text: string): string | undefined {
  const m = /\[([0-9a-fA-F]{4})\]\s*$/.exec(text.trim());
  const code = m ? (m[1] as string).toLowerCase() : CLASS_NAMES[text.trim().toLowerCase()];
  return code ? `0x${code}00` : undefined;
}

/** The trailing `[vvvv:dddd]` of an `lspci -nn` line. */
export function idsFromText(text: string): { vendor?: string; device?: string } {
  const m = /\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\]/.exec(text);
  return m
    ? {
        vendor: `0x${(m[1] as string).toLowerCase()}`,
        device: `0x${(m[2] as string).toLowerCase()}`,
      }
    : {};
}

/** Parent and host bridge from a sysfs device path (`.../devices/pci0000:00/0000:00:01.0/0000:01:00.0`). */
export function topologyFromSysfsPath(path: string): {
  bdf?: string;
  parent?: string;
  hostBridge?: string;
} {
  const parts = path.split('/').filter((p) => p !== '' && p !== '..' && p !== '.');
  const hb = parts.find((p) => /^pci[0-9a-fA-F]{4}:[0-9a-fA-F]{2}$/.test(p));
  const bdfs = parts.filter((p) => /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(p));
  const bdf = bdfs[bdfs.length - 1];
  const parent = bdfs.length >= 2 ? bdfs[bdfs.length - 2] : undefined;
  return {
    ...(bdf ? { bdf: bdf.toLowerCase() } : {}),
    ...(parent ? { parent: parent.toLowerCase() } : {}),
    ...(hb ? { hostBridge: hb.toLowerCase() } : {}),
  };
}
