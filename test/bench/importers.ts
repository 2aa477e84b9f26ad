import { detectKind, importText, type InputKind } from '../../src/core/importers/index.ts';

/**
 * Importer throughput: large synthetic host inputs in the exact formats the kernel, lspci and QEMU
 * print (modelled on test/fixtures/hosts), each read through `importText` with the kind left to
 * `detectKind`, as a paste or `iova-explorer import FILE` does. Every input must be detected as
 * its kind and read without unparsed lines, or the run fails (a fast importer that skips lines
 * measures nothing).
 */

const hex = (v: bigint, width = 0) => v.toString(16).padStart(width, '0');
const h2 = (n: number) => n.toString(16).padStart(2, '0');

/** A synthetic server: `buses` root ports on bus 00, each with a 4-function endpoint behind it. */
interface Fn {
  bdf: string;
  port: string;
  group: number;
  bar0: bigint;
  bar2: bigint;
}

function host(buses: number): {
  ports: Array<{ bdf: string; bus: number; group: number; win: bigint }>;
  fns: Fn[];
} {
  const ports: Array<{ bdf: string; bus: number; group: number; win: bigint }> = [];
  const fns: Fn[] = [];
  let group = 1;
  for (let b = 1; b <= buses; b++) {
    const port = `0000:00:${h2((b >> 3) & 0x1f)}.${b & 7}`;
    const win = 0x4000000000n + BigInt(b) * 0x100000000n;
    ports.push({ bdf: port, bus: b, group: group++, win });
    for (let f = 0; f < 4; f++) {
      const bar0 = win + BigInt(f) * 0x2000000n;
      fns.push({
        bdf: `0000:${h2(b)}:00.${f}`,
        port,
        group: group++,
        bar0,
        bar2: bar0 + 0x1000000n,
      });
    }
  }
  return { ports, fns };
}

function lspciVvv(buses: number): string {
  const { ports, fns } = host(buses);
  const out: string[] = [];
  for (const p of ports) {
    out.push(
      `${p.bdf} PCI bridge [0604]: Intel Corporation Sapphire Rapids PCIe Root Port [8086:352a] (rev 04) (prog-if 00 [Normal decode])`,
      '\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+',
      '\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-',
      `\tIOMMU group: ${p.group}`,
      `\tBus: primary=00, secondary=${h2(p.bus)}, subordinate=${h2(p.bus)}, sec-latency=0`,
      `\tPrefetchable memory behind bridge: ${hex(p.win, 16)}-${hex(p.win + 0x7ffffffn, 16)} [size=128M] [64-bit]`,
      '\tCapabilities: [40] Express (v2) Root Port (Slot+), MSI 00',
      '\t\tDevCap:\tMaxPayload 512 bytes, PhantFunc 0',
      '\t\t\tExtTag+ RBE+',
      '\tCapabilities: [80] MSI: Enable+ Count=1/1 Maskable- 64bit-',
      '\t\tAddress: fee00238  Data: 0000',
      '\tCapabilities: [100 v1] Advanced Error Reporting',
      '\tCapabilities: [220 v1] Access Control Services',
      '\t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-',
      '\t\tACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-',
      '\tKernel driver in use: pcieport',
      '',
    );
    for (const f of fns.filter((x) => x.port === p.bdf)) {
      out.push(
        `${f.bdf} Ethernet controller [0200]: Mellanox Technologies MT2892 Family [ConnectX-6 Dx] [15b3:101d]`,
        '\tSubsystem: Mellanox Technologies Device [15b3:0016]',
        '\tControl: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+',
        `\tIOMMU group: ${f.group}`,
        `\tRegion 0: Memory at ${hex(f.bar0)} (64-bit, prefetchable) [size=16M]`,
        `\tRegion 2: Memory at ${hex(f.bar2)} (64-bit, prefetchable) [size=16M]`,
        '\tCapabilities: [60] Express (v2) Endpoint, MSI 00',
        '\t\tDevCap:\tMaxPayload 512 bytes, PhantFunc 0, Latency L0s unlimited, L1 unlimited',
        '\tCapabilities: [9c] MSI-X: Enable+ Count=64 Masked-',
        '\tCapabilities: [c0] Vital Product Data',
        '\tCapabilities: [100 v1] Advanced Error Reporting',
        '\tCapabilities: [150 v1] Alternative Routing-ID Interpretation (ARI)',
        '\tKernel driver in use: vfio-pci',
        '\tKernel modules: mlx5_core',
        '',
      );
    }
  }
  return out.join('\n');
}

function iomem(buses: number): string {
  const { ports, fns } = host(buses);
  const r = (s: bigint, l: bigint, name: string, depth: number) =>
    `${'  '.repeat(depth)}${hex(s, 8)}-${hex(l, 8)} : ${name}`;
  const out: string[] = [
    r(0x0n, 0xfffn, 'Reserved', 0),
    r(0x1000n, 0x9ffffn, 'System RAM', 0),
    r(0xa0000n, 0xbffffn, 'PCI Bus 0000:00', 0),
    r(0x100000n, 0x5fffffffn, 'System RAM', 0),
    r(0x1000000n, 0x2ffffffn, 'Kernel code', 1),
    r(0x3000000n, 0x3ffffffn, 'Kernel data', 1),
    r(0xfed00000n, 0xfed003ffn, 'HPET 0', 0),
    r(0xfee00000n, 0xfee00fffn, 'Local APIC', 0),
  ];
  // Fragmented RAM as an EFI machine reports it.
  for (let i = 0; i < buses * 4; i++) {
    const s = 0x100000000n + BigInt(i) * 0x40000000n;
    out.push(
      r(s, s + 0x3fffefffn, 'System RAM', 0),
      r(s + 0x3ffff000n, s + 0x3fffffffn, 'Reserved', 0),
    );
  }
  out.push(
    r(0x4000000000n, 0x4000000000n + BigInt(buses + 1) * 0x100000000n - 1n, 'PCI Bus 0000:00', 0),
  );
  for (const p of ports) {
    out.push(r(p.win, p.win + 0x7ffffffn, `PCI Bus 0000:${h2(p.bus)}`, 1));
    for (const f of fns.filter((x) => x.port === p.bdf)) {
      out.push(
        r(f.bar0, f.bar0 + 0xffffffn, f.bdf, 2),
        r(f.bar0, f.bar0 + 0xffffffn, 'vfio-pci', 3),
      );
      out.push(
        r(f.bar2, f.bar2 + 0xffffffn, f.bdf, 2),
        r(f.bar2, f.bar2 + 0xffffffn, 'vfio-pci', 3),
      );
    }
  }
  return out.join('\n') + '\n';
}

/** QEMU's vfio trace events as the log backend prints them while a guest boots and balloons. */
function qemuTrace(lines: number): string {
  const out: string[] = [];
  let t = 1731002411.118402;
  const stamp = () => `41207@${(t += 0.000031).toFixed(6)}:`;
  let iova = 0x100000000n;
  const added: bigint[] = [];
  while (out.length < lines) {
    const k = out.length % 10;
    if (k < 7) {
      const size = 0x200000n * BigInt(1 + (out.length % 4));
      out.push(
        `${stamp()}vfio_listener_region_add_ram region_add [ram] 0x${hex(iova)} - 0x${hex(iova + size - 1n)} [0x${hex(0x7f1c40000000n + iova)}]`,
      );
      added.push(iova, size);
      iova += size;
    } else if (k < 9) {
      const s = 0xfe000000n + BigInt(out.length % 16) * 0x1000n;
      out.push(
        `${stamp()}vfio_listener_region_add_skip SKIPPING region_add 0x${hex(s)} - 0x${hex(s + 0xfffn)}`,
      );
    } else {
      const size = added.pop() as bigint;
      const start = added.pop() as bigint;
      out.push(
        `${stamp()}vfio_listener_region_del region_del 0x${hex(start)} - 0x${hex(start + size - 1n)}`,
      );
    }
  }
  return out.join('\n') + '\n';
}

/** The bundle collect-host.sh prints, for the same synthetic server. */
function bundle(buses: number): string {
  const { ports, fns } = host(buses);
  const out: string[] = [
    '# iova-explorer host bundle v1',
    '=== /proc/sys/kernel/osrelease',
    '6.8.0-45-generic',
    '=== /proc/sys/kernel/arch',
    'x86_64',
    '=== /proc/cmdline',
    'BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=UUID=5b1c3f0e ro intel_iommu=on iommu=pt',
    '=== cpu vendor',
    'vendor_id\t: GenuineIntel',
    '=== /sys/kernel/iommu_groups',
  ];
  const groups = [
    ...ports.map((p) => ({
      group: p.group,
      bdf: p.bdf,
      path: `pci0000:00/${p.bdf}`,
      cls: '0x060400',
      dev: '0x352a',
      ven: '0x8086',
      drv: 'pcieport',
      bars: [] as bigint[],
    })),
    ...fns.map((f) => ({
      group: f.group,
      bdf: f.bdf,
      path: `pci0000:00/${f.port}/${f.bdf}`,
      cls: '0x020000',
      dev: '0x101d',
      ven: '0x15b3',
      drv: 'vfio-pci',
      bars: [f.bar0, f.bar2],
    })),
  ].sort((a, b) => a.group - b.group);
  out.push(...groups.map((g) => String(g.group)));
  for (const g of groups) {
    out.push(
      `=== /sys/kernel/iommu_groups/${g.group}/type`,
      'DMA-FQ',
      `=== /sys/kernel/iommu_groups/${g.group}/reserved_regions`,
      '0x00000000fee00000 0x00000000feefffff msi',
    );
    out.push(
      `=== /sys/kernel/iommu_groups/${g.group}/devices`,
      `${g.bdf} -> ../../../../devices/${g.path}`,
    );
  }
  const zero = '0x0000000000000000 0x0000000000000000 0x0000000000000000';
  for (const g of groups) {
    out.push(
      `=== /sys/bus/pci/devices/${g.bdf}`,
      `path=../../../devices/${g.path}`,
      `class=${g.cls}`,
      `vendor=${g.ven}`,
      `device=${g.dev}`,
      `driver=${g.drv}`,
      `iommu_group=${g.group}`,
    );
    out.push(`=== /sys/bus/pci/devices/${g.bdf}/resource`);
    for (let i = 0; i < 13; i++) {
      const bar = i === 0 ? g.bars[0] : i === 2 ? g.bars[1] : undefined;
      out.push(
        bar === undefined
          ? zero
          : `0x${hex(bar, 16)} 0x${hex(bar + 0xffffffn, 16)} 0x000000000014220c`,
      );
    }
  }
  out.push(
    '=== /sys/class/iommu/dmar0/intel-iommu/cap',
    'd2008c40660462',
    '=== /sys/class/iommu/dmar0/intel-iommu/ecap',
    'f050da',
  );
  out.push('=== /sys/class/iommu/dmar0/devices', ...groups.map((g) => g.bdf));
  out.push('=== /sys/module/vfio_iommu_type1/parameters/dma_entry_limit', '65535');
  out.push('=== /proc/iomem', iomem(buses).trimEnd());
  out.push('=== lspci -vvv', lspciVvv(buses));
  out.push('=== end', '');
  return out.join('\n');
}

export interface ImporterRow {
  kind: InputKind;
  label: string;
  bytes: number;
  lines: number;
  ms: number;
  /** What the importer produced, to show the input was read, not skipped. */
  produced: string;
}

function time(
  kind: InputKind,
  label: string,
  text: string,
  produced: (r: Extract<ReturnType<typeof importText>, { ok: true }>['result']) => string,
): ImporterRow {
  const detected = detectKind(text);
  if (detected !== kind)
    throw new Error(`${label}: detected as ${detected ?? 'nothing'}, not ${kind}`);
  importText(text.slice(0, 20_000)); // warm the JIT on a prefix
  const t0 = performance.now();
  const r = importText(text);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`${label}: ${r.error}`);
  if (r.result.unparsed.length > 0)
    throw new Error(
      `${label}: ${r.result.unparsed.length} unparsed line(s), first: ${JSON.stringify(r.result.unparsed[0])}`,
    );
  return {
    kind,
    label,
    bytes: Buffer.byteLength(text),
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    ms,
    produced: produced(r.result),
  };
}

export function benchImporters(quick: boolean): ImporterRow[] {
  const scale = quick ? 0.1 : 1;
  const buses = Math.max(8, Math.round(250 * scale));
  const traceLines = Math.round(100_000 * scale);
  return [
    time(
      'qemu-trace',
      `QEMU vfio trace, ${traceLines} lines`,
      qemuTrace(traceLines),
      (r) => `${r.scenario.steps?.length ?? 0} steps`,
    ),
    time(
      'lspci-vvv',
      `lspci -vvv, ${buses * 5} functions`,
      lspciVvv(buses),
      (r) => `${r.scenario.platform?.devices?.length ?? 0} devices`,
    ),
    time(
      'iomem',
      `/proc/iomem, ${buses} host bridge windows`,
      iomem(buses),
      (r) => `${r.iomem?.length ?? 0} entries`,
    ),
    time(
      'bundle',
      `host bundle, ${buses * 5} groups`,
      bundle(buses),
      (r) =>
        `${r.scenario.platform?.devices?.length ?? 0} devices, ${r.scenario.platform?.reservedRegions?.length ?? 0} regions`,
    ),
  ];
}
