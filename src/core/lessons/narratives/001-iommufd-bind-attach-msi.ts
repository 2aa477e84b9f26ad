import type { LessonSpec } from '../types.ts';

/** Seed 001: iommufd's device kAPI — bind, attach, automatic domains, MSI isolation. */
export const lesson001: LessonSpec = {
  id: 'iommufd-bind-attach-msi',
  seed: {
    file: '001_4354e45049d87bee.txt',
    subject: 'Re: [PATCH v3 12/15] iommufd: Add kAPI toward external drivers for physical devices',
    date: '2022-11',
    participants: [
      'Jason Gunthorpe (NVIDIA, author of iommufd and of the patch)',
      'Kevin Tian (Intel, reviewer)',
    ],
  },
  steps: [
    {
      title: 'The review',
      prose:
        "By the end of this lesson you will know how a device is handed to iommufd, the newer Linux interface for giving devices to programs, in three moves (bind, attach, map), what each move does to the addresses the device may use, and why some interrupt controllers stop the first move. First the words. A device does DMA when it reads or writes memory by itself. An IOMMU translates the addresses a device uses, IOVAs, and blocks the ones nobody mapped; on Arm servers it is the SMMU. iommufd is /dev/iommu: a program such as QEMU asks it for an IOAS (an I/O address space, the set of IOVA mappings one or more devices see) and fills it with mappings. The IOMMU itself keeps its translations in a domain, one set of page tables; iommufd wraps a domain in a HWPT (hardware page table) object. Now the story. In October 2022 Jason Gunthorpe of NVIDIA, who wrote iommufd, posted the patch that lets drivers such as VFIO hand a physical device to iommufd. It has three pieces: bind (take ownership of the device), attach (connect it to an IOAS or to a HWPT) and detach. In November Kevin Tian of Intel reviewed it line by line. This lesson walks through all three on an Arm server with two SMMUs and watches what each does to the IOAS's valid IOVA ranges.",
    },
    {
      title: 'A fresh IOAS',
      prose:
        'IOMMU_IOAS_ALLOC creates an empty IOAS. Nothing limits it yet: with no domain attached, the whole 64-bit space is valid, and the alignment (the multiple every mapping must start and end on) is a single byte.',
      action: 0,
      hint: 'Nothing is attached to the IOAS yet. What could limit its addresses?',
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
        "Function 0 of the accelerator card is bound first. Binding makes the iommufd the DMA owner of the device. The kernel sorts devices into IOMMU groups, the smallest sets of devices it can keep apart; for PCI, the patch's comment says, ownership covers the whole requester ID (the device's bus address), and in practice the whole group: no kernel driver may keep using any member for DMA. The MSI check also runs here. An MSI (message-signalled interrupt) is a DMA write to a special address; interrupt remapping, or an interrupt controller that checks the sender, makes sure a device raises only the interrupts it owns. This device's MSIs go through a GICv3 ITS, which does that check, so the bind succeeds.",
      quote: {
        text: 'Binding a PCI device places the entire RID under iommufd control.',
        author: 'Jason Gunthorpe (patch text)',
        date: '2022-10-26',
      },
      action: 2,
      hint: 'In the Topology tab, look at smmu0, the IOMMU of this function: can it isolate interrupts?',
    },
    {
      title: 'Attach to the IOAS: an automatic domain',
      prose:
        "Attaching to an IOAS (not to a HWPT) asks iommufd to find a domain for the device. None exists, so it allocates a paging HWPT, marks it as an automatic domain and returns its id. Kevin asked what userspace gains from that id; Jason's answer was that it allows later queries and stays valid until the device is unbound.",
      action: 3,
    },
    {
      title: 'The domain narrows the IOAS',
      prose:
        "A domain can only translate its aperture, here 48 bits, so everything above 0xffffffffffff is now reserved in the IOAS. Function 0's reserved regions, IOVAs kept for something else, come with it: the SMMU's software MSI window at 0x8000000, where the SMMU maps the address devices write to for an MSI. The alignment rises to the domain's smallest page, 4 KiB.",
      action: 4,
      view: { start: 0x0n, last: 0xffffffffffffn },
      hint: "Two things arrived with the domain: its aperture and the device's reserved regions. Where are they on the map?",
    },
    {
      title: 'Map guest RAM at a fixed IOVA',
      prose:
        'IOMMU_IOAS_MAP with FIXED_IOVA maps 1 GiB of guest RAM at 0x40000000: the caller chooses the IOVA.',
      action: 5,
      view: { start: 0x40000000n, last: 0x7fffffffn },
    },
    {
      title: 'The MSI window is off limits',
      prose:
        'Now a fixed mapping of one page at 0x8000000. The kernel maps the MSI doorbell in that window itself; the patch sets up that software MSI window when a device attaches, and iopt_check_iova refuses any mapping that touches a reserved region, with EINVAL ("invalid argument").',
      action: 6,
      view: { start: 0x8000000n, last: 0x80fffffn },
      hint: 'Look at the valid ranges of step 6: where does 0x8000000 fall?',
    },
    {
      title: 'Let iommufd choose the IOVA',
      prose:
        'Without FIXED_IOVA the kernel picks the address: the lowest hole that fits with the right alignment, here 0x200000 for 2 MiB from a 2 MiB-aligned user address. IOVA 0 and the top page are never picked.',
      action: 7,
      view: { start: 0x0n, last: 0x3fffffn },
      hint: "The kernel picks the lowest hole that fits, aligned like the user's buffer (2 MiB here). What is the first 2 MiB-aligned IOVA it can use?",
    },
    {
      title: 'Bind function 1 of the same group',
      prose:
        'The card has no ACS (Access Control Services, the PCIe feature that would keep its functions apart), so its second function is in the same group. Binding it to the same iommufd shares the ownership the first bind established.',
      action: 8,
      hint: 'Both functions are in one group, and the group is already owned by this iommufd.',
    },
    {
      title: 'Attach function 1: the automatic domain is shared',
      prose:
        'Attaching to the same IOAS tries every automatic HWPT of the IOAS first. The existing one accepts the device, so both functions share it, and the returned id is the same. All devices of a group must use one HWPT anyway.',
      action: 9,
      hint: 'Would a second domain help, when both functions are in one group?',
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
      prose: "A fixed mapping onto function 1's reserved window, 0x20000000..0x200fffff.",
      action: 11,
      view: { start: 0x20000000n, last: 0x200fffffn },
      hint: 'Compare 0x20000000 with the three ranges of the previous step.',
    },
    {
      title: 'A HWPT in use cannot be destroyed',
      prose:
        'IOMMU_DESTROY on the automatic HWPT while two attached devices hold references to it: iommufd answers EBUSY ("device or resource busy").',
      action: 12,
      hint: 'Who still uses the automatic HWPT? Count the devices attached to it in the Topology tab.',
    },
    {
      title: 'Detach function 1: its reservation goes',
      prose:
        "Detaching removes the device's reserved IOVAs even though function 0 of the same group stays attached. In the patch under review the removal only happened for the last device of a group; Kevin caught it, and Jason agreed.",
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
      hint: 'After the detach of step 14, is 0x20000000 in a valid range again?',
    },
    {
      title: 'Re-attaching function 1 now fails',
      prose:
        'Function 1 cannot come back: its reserved region would cover an existing mapping, and iommufd refuses with EADDRINUSE ("address already in use") instead of silently unmapping. (Type1, the older VFIO container, refuses the same conflict with EINVAL.)',
      action: 16,
      view: { start: 0x20000000n, last: 0x200fffffn },
      hint: 'Function 1 brings its reserved window back with it. What is mapped there now?',
    },
    {
      title: 'MSI isolation is checked at bind',
      prose:
        'The NIC behind smmu1 signals MSIs through a GICv2m frame, which cannot check who sent them, so a DMA write from the device could raise interrupts it does not own. The bind fails with EPERM ("operation not permitted"). In the version under review the escape hatch was a flag on each attach (IOMMUFD_ATTACH_FLAGS_ALLOW_UNSAFE_INTERRUPT), and Kevin asked for a warning like VFIO\'s. The merged kernel has no such flag: the escape hatch is the iommufd.allow_unsafe_interrupts module parameter, the check runs once, at bind, and accepting the risk logs a warning.',
      action: 17,
      tryThis: [
        'In the Topology tab, tick "iommufd.allow_unsafe_interrupts" under Platform: the steps are replayed and the bind succeeds, with a warning that MSIs are not isolated.',
      ],
      hint: 'In the Topology tab, compare smmu1 with smmu0, and look at iommufd.allow_unsafe_interrupts under Platform.',
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
      prose:
        'Destroying it again by id reports ENOENT ("no such entry"): the object no longer exists.',
      action: 19,
      hint: 'What happened to the automatic HWPT when its last device left?',
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
