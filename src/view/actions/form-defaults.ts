import type { EngineState } from '../../core/state.ts';

/**
 * Which of a field's candidate ids a form starts on. The first id in the list is rarely the one a
 * person means: the host bridge is device 0000:00:00.0 and group 0 is rarely passed through.
 * Candidates are ordered by what the op is for — a device bound to vfio-pci and not yet bound to
 * the iommufd for a bind, a group already in a container to unset, a group whose devices are all
 * on vfio-pci and in no container to set — keeping the list's order within each rank. Nothing
 * here decides what the kernel allows: the dry run still answers for whatever is chosen.
 */
export function rankCandidates(
  state: EngineState,
  op: string,
  kind: 'group' | 'bdf' | 'container',
  ids: readonly string[],
): string[] {
  const rank = (id: string): number => {
    switch (kind) {
      case 'bdf':
        return deviceRank(state, op, id);
      case 'group':
        return groupRank(state, op, Number(id));
      case 'container':
        // Map and unmap need an IOMMU set (VFIO_SET_IOMMU); a container with one comes first.
        return state.vfio.containers.get(Number(id))?.driver !== undefined ? 0 : 1;
    }
  };
  return ids
    .map((id, i) => ({ id, i, r: rank(id) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((c) => c.id);
}

function onVfioPci(state: EngineState, bdf: string): boolean {
  return state.index.devices.get(bdf)?.hostDriver === 'vfio-pci';
}

function deviceRank(state: EngineState, op: string, bdf: string): number {
  const bound = state.iommufd.boundDevices.has(bdf);
  const vfio = onVfioPci(state, bdf);
  // Binding wants a vfio-pci device not bound yet; other ops on a device want one that is usable.
  if (op === 'iommufd.device_bind') return vfio && !bound ? 0 : vfio ? 1 : 2;
  return vfio ? 0 : 1;
}

function groupRank(state: EngineState, op: string, group: number): number {
  const inContainer = state.vfio.groups.get(group)?.container !== undefined;
  const members = state.index.groups.get(group)?.devices ?? [];
  // A group a VMM can use has every member bound to vfio-pci (vfio_group_viable).
  const viable = members.length > 0 && members.every((d) => onVfioPci(state, d));
  if (op === 'vfio.group_set_container') return viable && !inContainer ? 0 : viable ? 1 : 2;
  // Unset, status, device fds: a group in a container is the one these act on.
  return inContainer ? 0 : viable ? 1 : 2;
}

/**
 * The op a form opens on for a workspace: mapping, through the uAPI the workspace already uses
 * (a type1 container, else an IOAS), so an iommufd-only world does not start on MAP_DMA into a
 * container that is not there.
 */
export function mappingOpFor(state: EngineState): 'vfio.map_dma' | 'iommufd.ioas_map' {
  if (state.vfio.containers.size > 0) return 'vfio.map_dma';
  for (const o of state.iommufd.objects.values()) if (o.kind === 'ioas') return 'iommufd.ioas_map';
  return 'vfio.map_dma';
}
