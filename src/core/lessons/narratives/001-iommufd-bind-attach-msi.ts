import type { LessonSpec } from '../types.ts';

/** Seed 001: iommufd's device kAPI — bind, attach, automatic domains, MSI isolation. */
export const lesson001: LessonSpec = {
  id: 'iommufd-bind-attach-msi',
  seed: {
    file: '001_4354e45049d87bee.txt',
    subject: 'Re: [PATCH v3 12/15] iommufd: Add kAPI toward external drivers for physical devices',
    date: '2022-11',
    participants: ['Jason Gunthorpe', 'Kevin Tian'],
  },
  steps: [
    {
      title: 'The review',
      prose:
        "In late 2022 Kevin Tian reviewed the patch that lets drivers such as VFIO hand a physical device to iommufd. The patch has three pieces: bind (take ownership of the device), attach (connect it to an IOAS or to a hardware page table, a HWPT), and detach. This lesson walks through all three on an ARM server with two SMMUs and checks what each step does to the IOAS's valid IOVA ranges.",
    },
    {
      title: 'A fresh IOAS',
      prose:
        'IOMMU_IOAS_ALLOC creates an empty I/O address space. Nothing constrains it yet: with no domain attached, the whole 64-bit space is valid and the alignment is a single byte.',
      action: 0,
    },
    {
      title: 'Nothing reserved yet',
      prose: 'IOMMU_IOAS_IOVA_RANGES confirms it: one range, 0 to 0xffffffffffffffff, alignment 1.',
      action: 1,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
    },
    {
      title: 'Bind function 0',
      prose:
        "Binding makes the iommufd the DMA owner of the device. For PCI, the patch's comment says, ownership covers the whole requester ID, and in practice the whole IOMMU group: no kernel driver may keep using any member for DMA. The MSI check also runs here. This device's MSIs go through a GICv3 ITS, which isolates them, so the bind succeeds.",
      quote: {
        text: 'Binding a PCI device places the entire RID under iommufd control.',
        author: 'Jason Gunthorpe (patch text)',
        date: '2022-10-26',
      },
      action: 2,
    },
    {
      title: 'Attach to the IOAS: an automatic domain',
      prose:
        "Attaching to an IOAS (not to a HWPT) asks iommufd to find a domain. None exists, so it allocates a paging HWPT, marks it as an automatic domain and returns its id. Kevin asked what userspace gains from that id; Jason's answer was that it allows later queries and stays valid until the device is unbound.",
      action: 3,
    },
    {
      title: 'The domain narrows the IOAS',
      prose:
        "The domain brings its 48-bit aperture (everything above 0xffffffffffff is reserved now) and function 0's reserved regions: the SMMU's software MSI window at 0x8000000. The alignment rises to the domain's smallest page, 4 KiB.",
      action: 4,
      view: { start: 0x0n, last: 0xffffffffffffn },
    },
    {
      title: 'Map guest RAM at a fixed IOVA',
      prose:
        'IOMMU_IOAS_MAP with FIXED_IOVA maps 1 GiB at 0x40000000. It lies in a valid range, so it is accepted.',
      action: 5,
      view: { start: 0x40000000n, last: 0x7fffffffn },
    },
    {
      title: 'The MSI window is off limits',
      prose:
        'A fixed mapping that touches the reserved MSI window fails with EINVAL (iopt_check_iova). The kernel maps the MSI doorbell there itself, and the patch sets up that software MSI window when a device attaches.',
      action: 6,
      view: { start: 0x8000000n, last: 0x80fffffn },
    },
    {
      title: 'Let iommufd choose the IOVA',
      prose:
        'Without FIXED_IOVA the kernel picks the address: the lowest hole that fits with the right alignment, here 0x200000 for 2 MiB from a 2 MiB-aligned user address. IOVA 0 and the top page are never picked.',
      action: 7,
      view: { start: 0x0n, last: 0x3fffffn },
    },
    {
      title: 'Bind function 1 of the same group',
      prose:
        'The second function belongs to the same group. Binding it to the same iommufd shares the ownership the first bind established.',
      action: 8,
    },
    {
      title: 'Attach function 1: the automatic domain is shared',
      prose:
        'Attaching to the same IOAS tries every automatic HWPT of the IOAS first. The existing one accepts the device, so both functions share it, and the returned id is the same. All devices of a group must use one HWPT anyway.',
      action: 9,
    },
    {
      title: 'Reserved regions are per device',
      prose:
        'Function 1 has a firmware-reserved window of its own at 0x20000000. iommufd reserves it in the IOAS when that device attaches, not when its sibling does: the list now has three ranges.',
      action: 10,
      view: { start: 0x0n, last: 0x3fffffffn },
    },
    {
      title: 'Which is enforced',
      prose: "A fixed mapping onto function 1's reserved window is now refused with EINVAL.",
      action: 11,
      view: { start: 0x20000000n, last: 0x200fffffn },
    },
    {
      title: 'A HWPT in use cannot be destroyed',
      prose:
        'IOMMU_DESTROY on the automatic HWPT fails with EBUSY: two attached devices hold references to it.',
      action: 12,
    },
    {
      title: 'Detach function 1: its reservation goes',
      prose:
        "Detaching removes the device's reserved IOVA even though function 0 of the same group stays attached. In the patch under review the removal only happened for the last device of a group; Kevin caught it, and Jason agreed.",
      quote: {
        text: 'this is always required. not just for last device in a group.',
        author: 'Kevin Tian',
        date: '2022-11-05',
      },
      action: 13,
    },
    {
      title: 'The window is valid again',
      prose: "The IOAS is back to two ranges: function 1's window is gone.",
      action: 14,
      view: { start: 0x0n, last: 0x3fffffffn },
    },
    {
      title: 'Map over the freed window',
      prose: 'Userspace may now map 0x20000000..0x200fffff like any other IOVA.',
      action: 15,
      view: { start: 0x20000000n, last: 0x200fffffn },
    },
    {
      title: 'Re-attaching function 1 now fails',
      prose:
        'Function 1 cannot come back: its reserved region would cover an existing mapping, and iommufd refuses with EADDRINUSE instead of silently unmapping. (Type1 refuses the same conflict with EINVAL.)',
      action: 16,
      view: { start: 0x20000000n, last: 0x200fffffn },
    },
    {
      title: 'MSI isolation is checked at bind',
      prose:
        "The NIC behind smmu1 signals MSIs through a GICv2m frame, which cannot isolate them, so a DMA write from the device could raise interrupts it does not own. The bind fails with EPERM. In the version under review the escape hatch was a flag on each attach (IOMMUFD_ATTACH_FLAGS_ALLOW_UNSAFE_INTERRUPT), and Kevin asked for a warning like VFIO's. The merged kernel has no such flag: the escape hatch is the iommufd.allow_unsafe_interrupts module parameter, the check runs once, at bind, and accepting the risk logs a warning.",
      action: 17,
      tryThis: [
        'In the Topology tab, tick "iommufd.allow_unsafe_interrupts" under Platform: the steps are replayed and the bind succeeds, with a warning that MSIs are not isolated.',
        'Set interruptRemapping to false on smmu0 as well: now function 0 cannot be bound either.',
      ],
    },
    {
      title: 'Detach the last device: the automatic domain goes',
      prose:
        'An automatic HWPT lives as long as it has devices. When function 0 detaches, the HWPT is destroyed with it.',
      quote: {
        text: '"autodomain" means the hwpt is destroyed when its device list becomes empty.',
        author: 'Jason Gunthorpe',
        date: '2022-11',
      },
      action: 18,
    },
    {
      title: 'Its id is gone',
      prose: 'Destroying it again by id reports ENOENT: the object no longer exists.',
      action: 19,
    },
    {
      title: 'The IOAS is unconstrained again',
      prose:
        'With no domain left, the aperture and MSI reservations are gone and the alignment is back to 1 byte. The mappings stay in the IOAS and would be loaded into the next domain that attaches.',
      action: 20,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      tryThis: [
        'Attach function 0 again: the new automatic domain is filled with the existing mappings.',
      ],
    },
  ],
};
