/**
 * Object ids as the kernel hands them out to both uAPIs: the lowest free number >= 1, so a
 * destroyed id comes back — iommufd's object table (`xa_alloc` with XA_FLAGS_ALLOC1) and the fd
 * table behind VFIO containers and device fds (`get_unused_fd_flags`, fds 0–2 being taken).
 */
export function lowestFreeId(used: ReadonlyMap<number, unknown>): number {
  let id = 1;
  while (used.has(id)) id++;
  return id;
}
