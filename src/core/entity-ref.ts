/**
 * What a finding, a lane or a reservation is about, as data: the UI selects and filters by these
 * fields and derives the words from them (`entityLabel`), never the reverse — a sentence can be
 * reworded without changing what a click selects. Addresses are not references: findings and
 * spans carry their ranges as `Range`s already (and the CLI prints references as JSON).
 */
export type EntityRef =
  | { readonly kind: 'group'; readonly group: number }
  | { readonly kind: 'device'; readonly bdf: string }
  /** An IOMMU unit by its scenario id ("dmar0", "smmu0"). */
  | { readonly kind: 'unit'; readonly unit: string }
  | { readonly kind: 'host-bridge'; readonly id: string }
  /** A uAPI object by the id userspace sees: a type1 container or domain, an IOAS or a HWPT. */
  | {
      readonly kind: 'object';
      readonly objectType: 'container' | 'domain' | 'ioas' | 'hwpt';
      readonly id: number;
    }
  /** A BAR of a device; `own` when the finding is about the DMA source's own BAR. */
  | { readonly kind: 'bar'; readonly bdf: string; readonly bar: number; readonly own?: boolean }
  | { readonly kind: 'guest-section'; readonly name: string }
  /** The guest as a whole, by its machine type (q35, virt) when the layout names one. */
  | { readonly kind: 'guest'; readonly machine: string | undefined }
  /** A QEMU memory region named by an error line ("Region NAME:"). */
  | { readonly kind: 'qemu-region'; readonly name: string }
  /** A line of pasted text; `trace` for a QEMU trace line replayed as a step. */
  | { readonly kind: 'line'; readonly line: number; readonly trace?: boolean }
  /** A host file or sysfs directory the finding is about (`/proc/iomem`). */
  | { readonly kind: 'host-file'; readonly path: string }
  | { readonly kind: 'module-param'; readonly name: string; readonly value: string }
  | { readonly kind: 'viommu'; readonly awBits: number }
  /** iommufd's selftest reservation (IOMMU_TEST_OP_ADD_RESERVED). */
  | { readonly kind: 'selftest' }
  | { readonly kind: 'platform' };

const OBJECT_NAMES = { container: 'container', domain: 'domain', ioas: 'IOAS', hwpt: 'HWPT' };

/** The words for a reference, as findings, hover cards and the CLI print it. */
export function entityLabel(ref: EntityRef): string {
  switch (ref.kind) {
    case 'group':
      return `group ${ref.group}`;
    case 'device':
      return ref.bdf;
    case 'unit':
      return ref.unit;
    case 'host-bridge':
      return `host bridge ${ref.id}`;
    case 'object':
      return `${OBJECT_NAMES[ref.objectType]} ${ref.id}`;
    case 'bar':
      return ref.own ? `${ref.bdf}'s own BAR ${ref.bar}` : `${ref.bdf} BAR ${ref.bar}`;
    case 'guest-section':
    case 'qemu-region':
      return ref.name;
    case 'guest':
      return `guest ${ref.machine ?? ''}`.trim();
    case 'line':
      return `${ref.trace ? 'trace line' : 'line'} ${ref.line}`;
    case 'host-file':
      return ref.path;
    case 'module-param':
      return `${ref.name}=${ref.value}`;
    case 'viommu':
      return `vIOMMU aw-bits=${ref.awBits}`;
    case 'selftest':
      return 'selftest';
    case 'platform':
      return 'platform';
  }
}

export const groupRef = (group: number): EntityRef => ({ kind: 'group', group });
export const deviceRef = (bdf: string): EntityRef => ({ kind: 'device', bdf });
export const unitRef = (unit: string): EntityRef => ({ kind: 'unit', unit });
export const lineRef = (line: number): EntityRef => ({ kind: 'line', line });
export const sectionRef = (s: { readonly name: string }): EntityRef => ({
  kind: 'guest-section',
  name: s.name,
});

/** The BDFs a list of references names, in order. */
export function devicesOf(refs: readonly EntityRef[]): string[] {
  return refs.flatMap((r) => (r.kind === 'device' ? [r.bdf] : []));
}
