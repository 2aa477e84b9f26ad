import { existsSync } from 'node:fs';
import { analyze, type Finding, type VmmModel } from '../../core/analysis/index.ts';
import {
  GUEST_FORMS,
  guestFromPreset,
  namesGuestMachine,
  parseGuestPreset,
} from '../../core/importers/guest-presets.ts';
import {
  importText,
  mergeImports,
  type GuestLayout,
  type HostFacts,
  type ImportedStep,
  type PlacedEvent,
} from '../../core/importers/index.ts';
import { guestFromScenario } from '../../core/importers/to-scenario.ts';
import type { PlatformInput } from '../../core/platform/normalize.ts';
import { formatLoadError, load } from '../../core/scenario/index.ts';
import { formatRange, hex, parseU64 } from '../../core/u64.ts';
import {
  type CliCommand,
  type CliIo,
  EXIT_MISMATCH,
  EXIT_OK,
  EXIT_USAGE,
  groupNumber,
  parseArgs,
  UsageError,
} from '../command.ts';
import { parseIommu, parseKind } from './import.ts';
import { readInput } from '../read-input.ts';
import type { UnitChoice } from '../../core/importers/index.ts';

const HELP = `usage: iova-explorer check FILE [FILE...] [--guest q35:ram=8G|pc:ram=2G|virt:ram=4G|FILE] [--json]

Prints the analysis findings (severity, kind, objects, addresses, explanation) for a host: a
bundle from public/collect-host.sh, any importable text (reserved_regions, group listings,
lspci -vvv/-tv/-vmm, /proc/iomem, dmesg, error lines, a QEMU vfio trace) or a scenario file.
Several FILEs are merged (e.g. a bundle plus an lspci -vvv taken as root plus pasted errors).

  --guest SPEC   the guest layout: q35:ram=SIZE[,qemu=7.1][,host=amd|intel][,lowmem=SIZE]
                 [,hole64=SIZE][,aw=BITS][,virtio-mem=SIZE][,block=SIZE], the same for pc
                 (i440fx), virt:ram=SIZE[,aw=BITS], or a FILE (QEMU "info mtree" output or a
                 scenario with a guest); ram is 4 GiB when left out (--guest q35 = 4 GiB)
  --groups LIST  the IOMMU groups the VM gets (default: those bound to vfio-pci)
  --vmm SPEC     how MAP_DMA is issued, for the 65535-entry projection: qemu (default),
                 dpdk:mem=SIZE[,hugepage=2M] or spdk:mem=SIZE[,hugepage=2M]
  --kind KIND    read every FILE that is not a scenario whole as KIND (by default each is
                 cut into pieces by kind: a pasted terminal session, mail or forum post works)
  --iommu SPEC   the IOMMU unit of grouped devices no input assigns: vtd, amd or smmu, with
                 an optional width (vtd:39); by default inferred from the host, and said
  --json         {"findings": [...], "assigned": [...], "notes": [...]} with hex addresses
  -h, --help     this text

exit status: 0 no error finding, 1 at least one error finding, 2 bad usage or unreadable input
`;

interface Collected {
  platform: PlatformInput;
  guest: GuestLayout | undefined;
  host: HostFacts;
  events: PlacedEvent[];
  steps: ImportedStep[];
  stepLines: number[];
  notes: string[];
}

function parseGuestOption(v: string, io: CliIo): GuestLayout | undefined | 'error' {
  if (namesGuestMachine(v)) {
    const p = parseGuestPreset(v);
    if (!p.ok) throw new UsageError(`--guest ${v}: ${p.error}`);
    return guestFromPreset(p.params);
  }
  if (!existsSync(v) && v !== '-')
    throw new UsageError(
      `--guest ${v}: neither a machine nor a file: give ${GUEST_FORMS}, or a file of QEMU "info mtree" output or a scenario with a guest`,
    );
  const text = readInput(v, io, 'check');
  if (text === undefined) return 'error';
  if (/^\s*\{/.test(text)) {
    const l = load(text);
    if (!l.ok) {
      io.err(`iova-explorer check: ${v}: ${l.errors.map(formatLoadError).join('; ')}\n`);
      return 'error';
    }
    if (l.kind !== 'scenario') {
      io.err(`iova-explorer check: ${v}: a conformance file has no guest layout\n`);
      return 'error';
    }
    const g = guestFromScenario(l.scenario.guest);
    if (!g.ok) {
      io.err(`iova-explorer check: ${v}: ${g.error}\n`);
      return 'error';
    }
    return g.guest;
  }
  const r = importText(text, { kind: 'mtree' });
  if (!r.ok || !r.result.scenario.guest || r.result.scenario.guest.memory.length === 0) {
    io.err(
      `iova-explorer check: ${v}: no guest layout found (expected QEMU "info mtree" output)\n`,
    );
    return 'error';
  }
  return r.result.scenario.guest;
}

function parseVmm(v: string | true | undefined): VmmModel | undefined {
  if (v === undefined) return undefined;
  if (v === true) throw new UsageError('--vmm needs a value');
  const [kind, rest = ''] = v.split(':', 2) as [string, string?];
  if (kind !== 'qemu' && kind !== 'dpdk' && kind !== 'spdk')
    throw new UsageError(`--vmm ${v}: expected qemu, dpdk:... or spdk:...`);
  const model: VmmModel = { kind };
  for (const kv of rest.split(',').filter(Boolean)) {
    const [k, val = ''] = kv.split('=', 2) as [string, string?];
    const n = parseU64(val);
    if (!n.ok) throw new UsageError(`--vmm ${k}: ${n.error}`);
    if (k === 'mem') model.memory = n.value;
    else if (k === 'hugepage') model.hugepage = n.value;
    else if (k === 'block') model.virtioMemBlock = n.value;
    else throw new UsageError(`--vmm: unknown parameter ${k} (mem, hugepage, block)`);
  }
  return model;
}

function collect(
  files: readonly string[],
  kindFlag: string | true | undefined,
  io: CliIo,
  iommu?: UnitChoice,
): Collected | undefined {
  const kind = parseKind(kindFlag);
  const parts: Array<Parameters<typeof mergeImports>[0][number]> = [];
  const notes: string[] = [];
  let steps: ImportedStep[] = [];
  let stepLines: number[] = [];
  let scenarioGuest: GuestLayout | undefined;
  for (const file of files) {
    const text = readInput(file, io, 'check');
    if (text === undefined) return undefined;
    if (/^\s*(?:\{|\[\s*(?:\{|\]))/.test(text)) {
      const l = load(text);
      if (!l.ok) {
        io.err(`iova-explorer check: ${file}: ${l.errors.map(formatLoadError).join('; ')}\n`);
        return undefined;
      }
      if (l.kind !== 'scenario') {
        io.err(
          `iova-explorer check: ${file}: a conformance file holds many platforms; check one scenario at a time\n`,
        );
        return undefined;
      }
      const g = guestFromScenario(l.scenario.guest);
      if (!g.ok) {
        io.err(`iova-explorer check: ${file}: ${g.error}\n`);
        return undefined;
      }
      scenarioGuest = g.guest ?? scenarioGuest;
      parts.push({
        scenario: { ...(l.scenario.platform ? { platform: l.scenario.platform } : {}) },
      });
      continue;
    }
    const r = importText(text, { ...(kind ? { kind } : {}), ...(iommu ? { iommu } : {}) });
    if (!r.ok) {
      io.err(`iova-explorer check: ${file}: ${r.error}\n`);
      return undefined;
    }
    const res = r.result;
    for (const p of res.pieces ?? [])
      io.err(
        `${file}:${p.first}-${p.last}: read as ${p.kind}${p.command ? ` (after "${p.command}")` : ''}\n`,
      );
    for (const u of res.unparsed) io.err(`${file}:${u.line}: unparsed (${u.reason}): ${u.text}\n`);
    notes.push(...res.notes.map((n) => `${file}: ${n}`));
    if (res.scenario.steps?.length) {
      steps = [...steps, ...res.scenario.steps];
      stepLines = [...stepLines, ...(res.stepLines ?? res.scenario.steps.map(() => 0))];
    }
    parts.push({
      scenario: res.scenario,
      events: res.events,
      ...(res.host ? { host: res.host } : {}),
    });
  }
  const merged = mergeImports(parts, iommu);
  notes.push(...merged.notes);
  return {
    platform: merged.scenario.platform ?? {},
    guest: merged.scenario.guest ?? scenarioGuest,
    host: merged.host,
    events: merged.events,
    steps,
    stepLines,
    notes,
  };
}

function rangeJson(r: { start: bigint; last: bigint }) {
  return { start: hex(r.start), last: hex(r.last) };
}

function findingText(f: Finding): string {
  const addrs = f.addresses.length ? ` ${f.addresses.map((a) => formatRange(a)).join(', ')}` : '';
  return `${f.severity.toUpperCase().padEnd(7)} ${f.kind} [${f.objects.join(', ')}]${addrs}\n        ${f.message}\n`;
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary:
    'list conflicts and risks of a host (and a guest layout): groups, ACS, reserved IOVA, P2P, MSI',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, {
      guest: true,
      groups: true,
      vmm: true,
      kind: true,
      iommu: true,
      json: false,
    });
    if (positionals.length === 0) throw new UsageError('missing FILE');
    const groupsFlag = flags.get('groups');
    let groups: number[] | undefined;
    if (groupsFlag !== undefined) {
      if (groupsFlag === true || !/^\d+(?:,\d+)*$/.test(groupsFlag))
        throw new UsageError(`--groups needs a list such as 1,3, got ${String(groupsFlag)}`);
      groups = groupsFlag.split(',').map((g) => groupNumber(g, '--groups'));
    }
    const vmm = parseVmm(flags.get('vmm'));
    const guestFlag = flags.get('guest');
    if (guestFlag === true) throw new UsageError('--guest needs a value');
    const c = collect(positionals, flags.get('kind'), io, parseIommu(flags.get('iommu')));
    if (!c) return EXIT_USAGE;
    let guest = c.guest;
    if (guestFlag !== undefined) {
      const g = parseGuestOption(guestFlag, io);
      if (g === 'error') return EXIT_USAGE;
      guest = g;
    }
    const presetBlock = typeof guestFlag === 'string' ? parseGuestPreset(guestFlag) : undefined;
    const vmmModel: VmmModel | undefined =
      vmm ??
      (presetBlock && presetBlock.ok && presetBlock.params.virtioMemBlock
        ? { kind: 'qemu', virtioMemBlock: presetBlock.params.virtioMemBlock }
        : undefined);
    const report = analyze({
      platform: c.platform,
      ...(guest ? { guest } : {}),
      host: c.host,
      events: c.events,
      steps: c.steps,
      stepLines: c.stepLines,
      ...(vmmModel ? { vmm: vmmModel } : {}),
      ...(groups ? { groups } : {}),
    });
    const notes = [
      ...c.notes,
      ...(guest?.notes ?? []),
      `assigned groups: ${report.assigned.join(', ') || 'none'} (${report.assignedBecause})`,
    ];
    if (flags.has('json')) {
      io.out(
        JSON.stringify(
          {
            findings: report.findings.map((f) => ({ ...f, addresses: f.addresses.map(rangeJson) })),
            assigned: report.assigned,
            notes,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      for (const f of report.findings) io.out(findingText(f));
      const count = (s: Finding['severity']) =>
        report.findings.filter((f) => f.severity === s).length;
      io.out(
        `${report.findings.length} finding(s): ${count('error')} error, ${count('warning')} warning, ${count('info')} info\n`,
      );
      for (const n of notes) io.err(`note: ${n}\n`);
    }
    return report.findings.some((f) => f.severity === 'error') ? EXIT_MISMATCH : EXIT_OK;
  },
};
