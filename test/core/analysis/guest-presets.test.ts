import { describe, expect, it } from 'vitest';
import {
  guestFromPreset,
  parseGuestPreset,
  q35Layout,
  virtLayout,
} from '../../../src/core/importers/guest-presets.ts';

const G = 1n << 30n;
const ram = (l: ReturnType<typeof q35Layout>) =>
  l.memory.filter((s) => s.kind === 'ram').map((s) => [s.start, s.last]);

describe('q35 layout (pc_q35_init lowmem rule)', () => {
  it('keeps a guest below 2.75 GiB entirely below 4G', () => {
    expect(ram(q35Layout({ machine: 'q35', ram: 2n * G }))).toEqual([
      [0n, 0x9ffffn],
      [0xc0000n, 0x7fffffffn],
    ]);
    expect(ram(q35Layout({ machine: 'q35', ram: 0xa0000000n }))).toEqual([
      [0n, 0x9ffffn],
      [0xc0000n, 0x9fffffffn],
    ]);
  });

  it('puts exactly 2 GiB below 4G from 0xb0000000 up, the rest at 4 GiB', () => {
    expect(ram(q35Layout({ machine: 'q35', ram: 0xb0000000n }))).toEqual([
      [0n, 0x9ffffn],
      [0xc0000n, 0x7fffffffn],
      [0x100000000n, 0x12fffffffn],
    ]);
    const l = q35Layout({ machine: 'q35', ram: 8n * G });
    expect(ram(l).at(-1)).toEqual([0x100000000n, 0x27fffffffn]);
    expect(l.memory.find((s) => s.name === 'pci-hole64')).toMatchObject({
      start: 0x280000000n,
      last: 0x280000000n + (32n << 30n) - 1n,
    });
    expect(l.memory.find((s) => s.name === 'kvm-apic-msi')).toMatchObject({
      start: 0xfee00000n,
      last: 0xfeefffffn,
      kind: 'msi',
    });
  });

  it('honours max-ram-below-4g', () => {
    expect(ram(q35Layout({ machine: 'q35', ram: 2n * G, lowmem: G })).at(-1)).toEqual([
      0x100000000n,
      0x13fffffffn,
    ]);
  });

  it('on AMD hosts, QEMU 7.1+ moves RAM above 4G to 1 TiB when it would reach the HT window', () => {
    const old = q35Layout({ machine: 'q35', ram: 1024n * G, host: 'amd', qemu: '7.0' });
    expect(ram(old).at(-1)).toEqual([0x100000000n, 0x100000000n + 1022n * G - 1n]);
    const neu = q35Layout({ machine: 'q35', ram: 1024n * G, host: 'amd', qemu: '7.1' });
    expect(ram(neu).at(-1)).toEqual([1n << 40n, (1n << 40n) + 1022n * G - 1n]);
    // Small guests and Intel hosts are not moved.
    expect(
      ram(q35Layout({ machine: 'q35', ram: 64n * G, host: 'amd', qemu: '8.2' })).at(-1)?.[0],
    ).toBe(0x100000000n);
    expect(
      ram(q35Layout({ machine: 'q35', ram: 1024n * G, host: 'intel', qemu: '8.2' })).at(-1)?.[0],
    ).toBe(0x100000000n);
  });
});

describe('virt layout', () => {
  it('puts RAM at 1 GiB and the GIC MSI frames low', () => {
    const l = virtLayout({ machine: 'virt', ram: 4n * G });
    expect(ram(l)).toEqual([[0x40000000n, 0x13fffffffn]]);
    expect(l.memory.find((s) => s.name === 'gicv2m')).toMatchObject({
      start: 0x08020000n,
      kind: 'msi',
    });
    expect(l.memory.find((s) => s.name === 'pcie-mmio (high)')?.start).toBe(0x8000000000n);
  });
});

describe('preset strings', () => {
  it('parses parameters and refuses bad ones with a sentence', () => {
    const p = parseGuestPreset('q35:ram=1T,qemu=7.1,host=amd,aw=39');
    expect(p).toEqual({
      ok: true,
      params: { machine: 'q35', ram: 1n << 40n, qemu: '7.1', host: 'amd', aw: 39 },
    });
    expect(parseGuestPreset('q35')).toEqual({
      ok: true,
      params: { machine: 'q35', ram: 4n * G, ramDefaulted: true },
    });
    expect(parseGuestPreset('pc:ram=1G')).toEqual({ ok: true, params: { machine: 'pc', ram: G } });
    expect(parseGuestPreset('isapc:ram=1G')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown machine "isapc": expected q35, pc or virt/),
    });
    expect(parseGuestPreset('q35:ram=lots')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ram:/),
    });
    expect(parseGuestPreset('q35:color=red')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown parameter "color"/),
    });
    expect(guestFromPreset({ machine: 'q35', ram: G, aw: 39 }).viommuAwBits).toBe(39);
  });
});
