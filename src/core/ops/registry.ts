import { IOMMU_OPS } from './iommu.ts';
import { IOMMUFD_OPS } from './iommufd.ts';
import type { SpecAction, SpecActions, SpecMap } from './spec.ts';
import { VFIO_OPS } from './vfio.ts';

/**
 * The op vocabulary (DESIGN.md §4, kernel-semantics.md §1): one entry per uAPI call, with the
 * uAPI's own field names, in the order scenario errors and the op menu list them. Adding an op is
 * adding its entry to its model's file and its handler to that model's ops table.
 */
export const OP_SPECS = { ...VFIO_OPS, ...IOMMUFD_OPS, ...IOMMU_OPS } satisfies SpecMap;

export type OpSpecs = typeof OP_SPECS;
export type OpName = keyof OpSpecs;
export type Action = SpecActions<OpSpecs>;
export type ActionOf<N extends OpName> = SpecAction<N, OpSpecs[N]>;

export const OP_NAMES = Object.keys(OP_SPECS) as OpName[];

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(OP_SPECS, name);
}
