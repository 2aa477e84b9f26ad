import { ACS_FLAGS, type AcsFlag, type PcieType } from '../platform/types.ts';
import type { AcsInput } from '../platform/normalize.ts';
import { classFromText, DeviceTable, idsFromText } from './device-merge.ts';
import { makeResult } from './result.ts';
import { groupNumber, isBlank, parseHexU64, splitLines, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * `lspci -vvv` (also `-nnvvv`, `-D`): one record per device, a header line at column 0 and
 * indented detail lines. Read here: the PCIe type from the Express capability, ACS
 * (`ACSCap`/`ACSCtl`; `Capabilities: <access denied>` means unknown — lspci without root — not
 * "no ACS"), memory BARs, the bound driver, the IOMMU group line, and the bridge's secondary bus
 * (`Bus: primary=00, secondary=01, ...`), which gives the parent of every device on that bus.
 */

/** The class starts at the first non-blank (or is the blank before the colon): linear in a long line. */
const HEADER =
  /^((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s+([^:\s][^:]*?|\s):\s*(.*)$/;
const EXPRESS = /Express \((?:v\d)\) (.+?)(?:,|\s*\(|$)/;
const REGION =
  /^Region (\d+): (Memory|I\/O ports) at ([0-9a-fA-F]+|<unassigned>|<ignored>)(?: \(([^)]*)\))?(?: \[[^\]]*\])*?(?:.*\[size=(\d+)([KMGT]?)\])?/;
const ACS_LINE = /^(ACSCap|ACSCtl):\s*(.*)$/;
const BUS_LINE =
  /^Bus: primary=([0-9a-fA-F]{2}), secondary=([0-9a-fA-F]{2}), subordinate=([0-9a-fA-F]{2})/;

const ACS_NAMES: Record<string, AcsFlag> = {
  SrcValid: 'SV',
  TransBlk: 'TB',
  ReqRedir: 'RR',
  CmpltRedir: 'CR',
  UpstreamFwd: 'UF',
  EgressCtrl: 'EC',
  DirectTrans: 'DT',
};

/** lspci's Express capability type names → the model's PCIe types (`pcie_pci_port_type` values). */
export function pcieTypeFromExpress(text: string): PcieType | undefined {
  const t = text.trim().toLowerCase();
  if (t.startsWith('root port')) return 'root_port';
  if (t.startsWith('downstream port')) return 'downstream';
  if (t.startsWith('upstream port')) return 'upstream';
  if (t.startsWith('pci-express to pci') || t.startsWith('pci-express to pci/pci-x'))
    return 'pcie_to_pci_bridge';
  if (t.startsWith('pci/pci-x to pci-express')) return 'conventional';
  if (t.startsWith('root complex integrated endpoint')) return 'rc_endpoint';
  if (t.startsWith('root complex event collector')) return 'rc_endpoint';
  if (t.startsWith('endpoint') || t.startsWith('legacy endpoint')) return 'endpoint';
  return undefined;
}

/** `SrcValid+ TransBlk- ...` → the flags marked `+`; undefined when no flag is recognised. */
export function parseAcsFlags(text: string): AcsFlag[] | undefined {
  const out: AcsFlag[] = [];
  let seen = 0;
  for (const tok of text.trim().split(/\s+/)) {
    const m = /^([A-Za-z]+)([+-])$/.exec(tok);
    if (!m) continue;
    const f = ACS_NAMES[m[1] as string];
    if (!f) continue;
    seen++;
    if (m[2] === '+') out.push(f);
  }
  return seen > 0 ? ACS_FLAGS.filter((f) => out.includes(f)) : undefined;
}

const SIZE_MULT: Record<string, bigint> = {
  '': 1n,
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n,
};

interface Rec {
  bdf: string;
  line: number;
  className: string;
  rest: string;
  express?: PcieType;
  sawExpress: boolean;
  acsCap?: AcsFlag[];
  acsCtl?: AcsFlag[];
  accessDenied: boolean;
  sawCapabilities: boolean;
  bars: Array<{ index: number; start: bigint; last: bigint; prefetchable: boolean; is64: boolean }>;
  driver?: string;
  group?: number;
  secondary?: number;
  subordinate?: number;
}

export interface LspciParse {
  table: DeviceTable;
  /** Bridges' secondary bus → their BDF (per PCI domain), for parent links. */
  busOwner: Map<string, string>;
  records: number;
}

/** Parses lspci -vvv text into a device table (shared with the bundle importer). */
export function parseLspciVvv(text: string, log: UnparsedLog, lineOffset = 0): LspciParse {
  const table = new DeviceTable();
  const recs: Rec[] = [];
  let cur: Rec | undefined;
  let inAcs = false;
  const lines = splitLines(text);
  lines.forEach((raw, i) => {
    const n = i + 1 + lineOffset;
    if (isBlank(raw)) {
      cur = undefined;
      return;
    }
    const header = /^\S/.test(raw) ? HEADER.exec(raw) : null;
    if (header) {
      const b = header[1] as string;
      const bdf = b.length === 7 ? `0000:${b}` : b;
      cur = {
        bdf: bdf.toLowerCase(),
        line: n,
        className: header[2] as string,
        rest: header[3] as string,
        sawExpress: false,
        accessDenied: false,
        sawCapabilities: false,
        bars: [],
      };
      recs.push(cur);
      inAcs = false;
      return;
    }
    if (!cur) {
      if (/^\S/.test(raw)) log.add(n, raw, 'not an lspci device header ("BB:DD.F Class: Name")');
      else log.add(n, raw, 'detail line outside a device record');
      return;
    }
    const s = raw.trim();
    if (s.startsWith('Capabilities:')) {
      cur.sawCapabilities = true;
      inAcs = /Access Control Services/.test(s);
      if (/<access denied>/.test(s)) cur.accessDenied = true;
      const ex = EXPRESS.exec(s);
      if (ex) {
        cur.sawExpress = true;
        cur.express = pcieTypeFromExpress(ex[1] as string);
      }
      return;
    }
    const acs = ACS_LINE.exec(s);
    if (acs) {
      const flags = parseAcsFlags(acs[2] as string);
      if (!flags) log.add(n, raw, `no ACS flags in ${acs[1]}`);
      else if (acs[1] === 'ACSCap') cur.acsCap = flags;
      else cur.acsCtl = flags;
      return;
    }
    const region = REGION.exec(s);
    if (region) {
      if (region[2] !== 'Memory') return; // I/O port BARs are not DMA targets
      const addr = parseHexU64(region[3] as string);
      const attrs = region[4] ?? '';
      if (addr === undefined || region[5] === undefined) return; // unassigned / virtual without size
      const size = BigInt(region[5]) * (SIZE_MULT[region[6] ?? ''] ?? 1n);
      if (size === 0n) return;
      cur.bars.push({
        index: parseInt(region[1] as string, 10),
        start: addr,
        last: addr + size - 1n,
        prefetchable: /(?<!non-)prefetchable/.test(attrs),
        is64: /64-bit/.test(attrs),
      });
      return;
    }
    let m = /^Kernel driver in use:\s*(\S+)/.exec(s);
    if (m) {
      cur.driver = m[1] as string;
      return;
    }
    // `lspci -v` as non-root prints the group at the end of the Flags line.
    m = /^IOMMU group:\s*(\d+)/.exec(s) ?? /^Flags:.*\bIOMMU group (\d+)\s*$/.exec(s);
    if (m) {
      cur.group = groupNumber(m[1] as string);
      return;
    }
    const bus = BUS_LINE.exec(s);
    if (bus) {
      cur.secondary = parseInt(bus[2] as string, 16);
      cur.subordinate = parseInt(bus[3] as string, 16);
      return;
    }
    void inAcs; // every other detail line is known lspci output we do not need
  });

  const busOwner = new Map<string, string>();
  for (const r of recs) {
    if (r.secondary === undefined) continue;
    busOwner.set(`${r.bdf.slice(0, 4)}:${r.secondary.toString(16).padStart(2, '0')}`, r.bdf);
  }
  for (const r of recs) {
    const isBridge = /bridge/i.test(r.className) && !/host bridge|isa bridge/i.test(r.className);
    let pcieType: PcieType | undefined = r.express;
    if (!r.sawExpress && !r.accessDenied && r.sawCapabilities && isBridge)
      pcieType = 'conventional';
    let acs: AcsInput | undefined;
    if (r.acsCap && r.acsCtl) acs = { cap: r.acsCap, ctl: r.acsCtl };
    else if (r.accessDenied) acs = 'unknown';
    else if (r.sawCapabilities) acs = null; // capabilities were readable and had no ACS block
    const parent = busOwner.get(r.bdf.slice(0, 7));
    table.merge(r.bdf, {
      name: r.rest
        .replace(/(?<!\s)\s*\(rev [0-9a-fA-F]+\)\s*$/, '')
        .replace(/(?<!\s)\s*\(prog-if[^)]*\)/, '')
        .replace(/(?<!\s)\s*\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\]\s*$/, ''),
      ...(classFromText(r.className) ? { class: classFromText(r.className) } : {}),
      ...idsFromText(r.rest),
      ...(pcieType ? { pcieType } : {}),
      ...(acs !== undefined ? { acs } : {}),
      ...(r.bars.length > 0 ? { bars: r.bars } : {}),
      ...(r.driver ? { hostDriver: r.driver } : {}),
      ...(r.group !== undefined ? { group: r.group } : {}),
      ...(parent && parent !== r.bdf ? { parent } : {}),
    });
  }
  return { table, busOwner, records: recs.length };
}

export function importLspciVvv(text: string): ImportResult {
  const log = new UnparsedLog();
  const { table, records } = parseLspciVvv(text, log);
  const devices = table.list();
  const notes: string[] = [`${records} device record(s)`];
  const denied = devices.filter((d) => d.acs === 'unknown').length;
  if (denied > 0) {
    notes.push(
      `${denied} device(s) showed "Capabilities: <access denied>": their ACS is unknown (run lspci -vvv as root)`,
    );
  }
  return makeResult('lspci-vvv', { platform: { devices } }, log.lines, notes, {
    dropped: log.droppedCount,
  });
}
