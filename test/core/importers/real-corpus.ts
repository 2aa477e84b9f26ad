import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze, type Finding } from '../../../src/core/analysis/index.ts';
import { importText, type ImportResult } from '../../../src/core/importers/index.ts';
import { canonicalBdf } from '../../../src/core/platform/bdf.ts';
import { errnoFromNumber } from '../../../src/core/outcome.ts';

/**
 * The corpus of real pastes (test/fixtures/real): each `NAME.txt` as posted, and `NAME.expect.json`
 * with the facts a correct import must produce and, where the post names it, the cause the
 * findings must state (SCHEMA.md there). `checkFixture` lists every way an import falls short.
 */

export const REAL = fileURLToPath(new URL('../../fixtures/real/', import.meta.url));

export interface Expectation {
  source: string;
  host?: 'intel' | 'amd' | 'arm' | 'unknown';
  kinds?: string[];
  facts?: {
    groups?: Record<string, string[]>;
    minGroups?: number;
    reservedRegions?: Array<{ start: string; last: string; type: string; group?: number }>;
    iommuOff?: boolean;
    interruptRemapping?: boolean;
    addressWidth?: number;
    drivers?: Record<string, string>;
    acs?: Record<string, 'unknown' | 'none' | string[]>;
    events?: Array<{
      kind: string;
      iova?: string;
      size?: string;
      address?: string;
      device?: string;
      errno?: number;
    }>;
    rmrrIneligible?: string[];
    iomemZeroed?: boolean;
    hostBridgeWindows?: Array<{ start: string; last: string }>;
    guestRam?: Array<{ start: string; last: string }>;
    traceMaps?: number;
  };
  cause?: { line: string; errno?: string; mentions: string[] };
}

export function realFixtures(): string[] {
  return readdirSync(REAL)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export function loadReal(name: string): { text: string; expect: Expectation } {
  return {
    text: readFileSync(`${REAL}${name}.txt`, 'utf8'),
    expect: JSON.parse(readFileSync(`${REAL}${name}.expect.json`, 'utf8')) as Expectation,
  };
}

const UNIT_OF = { intel: 'vtd', amd: 'amd', arm: 'smmuv3' } as const;

export interface Checked {
  result: ImportResult | undefined;
  findings: Finding[];
  problems: string[];
}

export function checkText(text: string, exp: Expectation): Checked {
  const problems: string[] = [];
  const r = importText(text);
  if (!r.ok) return { result: undefined, findings: [], problems: [`not imported: ${r.error}`] };
  const res = r.result;
  const pl = res.scenario.platform ?? {};
  const devices = pl.devices ?? [];
  const f = exp.facts ?? {};
  const host = res.host ?? {};
  const groupsOf = new Map<number, string[]>();
  for (const d of devices)
    if (d.group !== undefined)
      groupsOf.set(d.group, [...(groupsOf.get(d.group) ?? []), canonicalBdf(d.bdf)]);

  for (const [g, members] of Object.entries(f.groups ?? {})) {
    const got = (groupsOf.get(Number(g)) ?? []).slice().sort();
    const want = members.map(canonicalBdf).sort();
    if (got.join(',') !== want.join(','))
      problems.push(`group ${g}: got [${got.join(', ')}], want [${want.join(', ')}]`);
  }
  if (f.minGroups !== undefined && groupsOf.size < f.minGroups)
    problems.push(`groups: got ${groupsOf.size}, want at least ${f.minGroups}`);
  if ((f.groups || f.minGroups) && exp.host && exp.host !== 'unknown') {
    const units = pl.iommus ?? [];
    const want = UNIT_OF[exp.host];
    if (!units.some((u) => u.kind === want))
      problems.push(
        `IOMMU unit: got [${units.map((u) => `${u.id}:${u.kind}`).join(', ')}], want a ${want} unit`,
      );
  }
  if (f.groups || f.minGroups) {
    // A kept group is a group the model has: every grouped device must be behind a unit.
    const lost = devices.filter(
      (d) => d.group !== undefined && !d.iommu && (pl.iommus ?? []).length !== 1,
    );
    if (lost.length)
      problems.push(`grouped devices without an IOMMU unit: ${lost.map((d) => d.bdf).join(', ')}`);
  }
  for (const w of f.reservedRegions ?? []) {
    const hit = (pl.reservedRegions ?? []).some(
      (x) =>
        x.start === BigInt(w.start) &&
        x.last === BigInt(w.last) &&
        x.type === w.type &&
        (w.group === undefined || x.group === w.group),
    );
    if (!hit)
      problems.push(
        `reserved region ${w.start}..${w.last} ${w.type}${w.group !== undefined ? ` (group ${w.group})` : ''} missing`,
      );
  }
  if (f.iommuOff && !host.iommuGroupsEmpty)
    problems.push('the IOMMU is off (no groups), but the import does not say so');
  if (f.interruptRemapping !== undefined && host.interruptRemapping !== f.interruptRemapping)
    problems.push(
      `interrupt remapping: got ${String(host.interruptRemapping)}, want ${f.interruptRemapping}`,
    );
  if (f.addressWidth !== undefined) {
    const widths = [
      ...(pl.iommus ?? []).map((u) => u.addressWidth),
      host.hostAddressWidth,
      ...res.events.map((e) => Number(/(?:width \(|only )(\d+)/.exec(e.detail)?.[1] ?? NaN)),
    ];
    if (!widths.includes(f.addressWidth))
      problems.push(
        `address width ${f.addressWidth} not read (got ${widths.filter((w) => w !== undefined && !Number.isNaN(w)).join(', ') || 'none'})`,
      );
  }
  for (const [bdf, drv] of Object.entries(f.drivers ?? {})) {
    const d = devices.find((x) => canonicalBdf(x.bdf) === canonicalBdf(bdf));
    if (d?.hostDriver !== drv)
      problems.push(`${bdf} driver: got ${String(d?.hostDriver)}, want ${drv}`);
  }
  for (const [bdf, acs] of Object.entries(f.acs ?? {})) {
    const d = devices.find((x) => canonicalBdf(x.bdf) === canonicalBdf(bdf));
    const got = d?.acs;
    const gotText =
      got === undefined
        ? 'missing'
        : got === null
          ? 'none'
          : got === 'unknown'
            ? 'unknown'
            : Array.isArray(got)
              ? got.join(' ')
              : got.ctl.join(' ');
    const want = acs === 'unknown' || acs === 'none' ? acs : acs.join(' ');
    if (gotText !== want) problems.push(`${bdf} ACS: got ${gotText}, want ${want}`);
  }
  const events = [...res.events];
  const bare = [...(host.pastedErrors ?? [])];
  for (const w of f.events ?? []) {
    const addr = w.iova ?? w.address;
    // A line with an errno and no address is read as such, not placed.
    if (addr === undefined && w.errno !== undefined) {
      const j = bare.findIndex((e) => e.errnoNumber === w.errno);
      if (j >= 0) {
        bare.splice(j, 1);
        continue;
      }
    }
    const i = events.findIndex(
      (e) =>
        e.kind === w.kind &&
        (addr === undefined || (BigInt(addr) >= e.range.start && BigInt(addr) <= e.range.last)) &&
        (w.size === undefined || e.range.last - e.range.start + 1n === BigInt(w.size)) &&
        (w.errno === undefined || e.errnoNumber === w.errno) &&
        (w.device === undefined || e.device === canonicalBdf(w.device)),
    );
    if (i < 0)
      problems.push(
        `event ${w.kind} ${addr ?? ''}${w.errno !== undefined ? ` errno ${w.errno}` : ''}${w.device ? ` from ${w.device}` : ''} not placed`,
      );
    else events.splice(i, 1);
  }
  for (const b of f.rmrrIneligible ?? [])
    if (!(host.rmrrIneligible ?? []).includes(canonicalBdf(b)))
      problems.push(`RMRR-ineligible ${b} not read`);
  if (f.iomemZeroed && !host.iomemZeroed)
    problems.push('/proc/iomem read without root (all zero) not recognised');
  for (const w of f.hostBridgeWindows ?? []) {
    if (
      !(pl.hostBridges ?? []).some((hb) =>
        (hb.windows ?? []).some((x) => x.start === BigInt(w.start) && x.last === BigInt(w.last)),
      )
    )
      problems.push(`host bridge window ${w.start}..${w.last} missing`);
  }
  for (const w of f.guestRam ?? []) {
    if (
      !(res.scenario.guest?.memory ?? []).some(
        (s) => s.kind === 'ram' && s.start === BigInt(w.start) && s.last === BigInt(w.last),
      )
    )
      problems.push(`guest RAM ${w.start}..${w.last} missing`);
  }
  if (f.traceMaps !== undefined) {
    const maps = (res.scenario.steps ?? []).filter((s) => s.op === 'vfio.map_dma').length;
    if (maps !== f.traceMaps) problems.push(`trace maps: got ${maps}, want ${f.traceMaps}`);
  }

  let findings: Finding[] = [];
  if (exp.cause) {
    findings = analyze({
      platform: pl,
      ...(res.scenario.guest ? { guest: res.scenario.guest } : {}),
      host,
      events: res.events,
      steps: res.scenario.steps ?? [],
      stepLines: res.stepLines ?? [],
    }).findings;
    const ev = res.events.find(
      (e) =>
        e.text.includes(exp.cause!.line) ||
        text.split(/\r?\n/)[e.line - 1]?.includes(exp.cause!.line),
    );
    const forLine = ev ? findings.filter((x) => x.objects.includes(`line ${ev.line}`)) : findings;
    const said = (x: Finding) =>
      `${x.message} ${x.objects.join(' ')} ${x.errno ?? ''}`.toLowerCase();
    const ok = forLine.find(
      (x) =>
        exp.cause!.mentions.every((m) => said(x).includes(m.toLowerCase())) &&
        (!exp.cause!.errno || said(x).includes(exp.cause!.errno.toLowerCase())),
    );
    if (!ok) {
      problems.push(
        `cause not stated${ev ? ` for line ${ev.line}` : ''} (want ${[...exp.cause.mentions, exp.cause.errno ?? ''].filter(Boolean).join(', ')}); findings said: ${
          forLine
            .map((x) => x.message)
            .join(' | ')
            .slice(0, 600) || 'nothing'
        }`,
      );
    }
  }
  void errnoFromNumber;
  return { result: res, findings, problems };
}
