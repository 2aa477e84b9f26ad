/**
 * A QEMU vfio trace as a long-running guest writes it, `lines` lines long: the guest's RAM mapped
 * at boot, then a BAR window remapped again and again (region_del, region_add of the same slot,
 * as a framebuffer or ROM BAR toggles), with the sections QEMU skips in between. The mappings
 * alive stay few, so every step is accepted and the trace measures the cost per step, not a
 * container filling up. Self-contained (no imports, no closures over module state), so a browser
 * test can run its source in the page.
 */
export function churnTrace(lines: number): string {
  const out: string[] = [];
  const slots = 256;
  const slotBase = 0x800000000;
  const slotSize = 0x200000;
  let t = 1731002411.118402;
  let slot = 0;
  let removed = false;
  const boot = [
    'vfio_listener_region_add_ram region_add [ram] 0x0 - 0x9ffff [0x7f1c40000000]',
    'vfio_listener_region_add_ram region_add [ram] 0xc0000 - 0x7fffffff [0x7f1c400c0000]',
    'vfio_listener_region_add_ram region_add [ram] 0x100000000 - 0x27fffffff [0x7f1cc0000000]',
  ];
  for (let i = 0; i < lines; i++) {
    t += 0.000031;
    const stamp = `41207@${t.toFixed(6)}:`;
    if (i < boot.length) {
      out.push(stamp + boot[i]);
      continue;
    }
    const k = i - boot.length;
    const at = slotBase + slot * slotSize;
    const range = `0x${at.toString(16)} - 0x${(at + slotSize - 1).toString(16)}`;
    if (k % 10 === 9) {
      out.push(`${stamp}vfio_listener_region_add_skip SKIPPING region_add 0xfee00000 - 0xfeefffff`);
    } else if (k < slots) {
      out.push(
        `${stamp}vfio_listener_region_add_ram region_add [ram] ${range} [0x${(0x7f3000000000 + at).toString(16)}]`,
      );
      slot = (slot + 1) % slots;
    } else if (!removed) {
      out.push(`${stamp}vfio_listener_region_del region_del ${range}`);
      removed = true;
    } else {
      out.push(
        `${stamp}vfio_listener_region_add_ram region_add [ram] ${range} [0x${(0x7f3000000000 + at).toString(16)}]`,
      );
      removed = false;
      slot = (slot + 1) % slots;
    }
  }
  return out.join('\n') + '\n';
}
