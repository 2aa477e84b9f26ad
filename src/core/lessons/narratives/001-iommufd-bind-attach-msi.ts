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
        'By the end of this lesson you will know how a device is handed to iommufd in three moves (bind, attach, map), what each move does to the addresses the device may use, and why some interrupt controllers stop the very first move. First, a few words. A device does DMA when it reads or writes memory by itself, without the CPU copying the data. An IOMMU sits between the devices and memory. It translates the addresses a device uses, called IOVAs (I/O virtual addresses), into real memory addresses, and it blocks the ones nobody set up. On Arm servers the IOMMU is called the SMMU. VFIO is the Linux interface that hands a device to a program such as QEMU, which runs a virtual machine. For the memory side, VFIO first had the container, an object that holds the mappings of the devices put into it. iommufd, the file /dev/iommu, is the newer interface that replaces it. The program asks iommufd for an IOAS, an I/O address space: a set of mappings, each saying "these IOVAs lead to this memory". The IOMMU itself keeps its translations in a domain, one set of page tables, the tables it looks each address up in. iommufd wraps each domain in a HWPT (hardware page table) object. Now the story. In late October 2022 Jason Gunthorpe of NVIDIA, the author of iommufd, posted version 3 of his iommufd series. Patch 12 of 15 is the kernel interface that drivers such as VFIO call to hand a physical device to iommufd. It has three calls. Bind makes iommufd the owner of the device. Attach connects the device to an IOAS, or to a HWPT. Detach undoes the attach. On 5 November Kevin Tian of Intel reviewed the patch line by line, and Jason answered each point. This lesson walks through the three calls on an Arm server with two SMMUs. It watches what each call does to the valid IOVA ranges of the IOAS: the addresses the program may still map.',
    },
    {
      title: 'A fresh IOAS',
      prose:
        'The program starts with IOMMU_IOAS_ALLOC, which makes an empty IOAS. Nothing limits it yet. No device is attached, so no domain is attached either, and the whole 64-bit space is valid. The alignment, the multiple every mapping must start and end on, is a single byte.',
      action: 0,
      hint: 'Nothing is attached to the IOAS yet. What could limit its addresses?',
    },
    {
      title: 'Nothing reserved yet',
      prose:
        'IOMMU_IOAS_IOVA_RANGES asks the IOAS for its valid ranges. The answer confirms it: one range, 0 to 0xffffffffffffffff, with alignment 1. No part of the space is reserved yet, that is, kept away from mappings.',
      action: 1,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      hint: 'Nothing has been bound or attached since step 2. What could have taken addresses away?',
    },
    {
      title: 'Bind function 0',
      prose:
        "Below smmu0 sits an accelerator card with two functions: two devices on one card, 0000:01:00.0 and 0000:01:00.1. Function 0 is bound first. Binding makes iommufd the owner of the device's DMA. The kernel sorts devices into IOMMU groups: the smallest sets of devices it can keep apart from each other. For PCI, the patch's comment says, the bind covers the whole requester ID, the bus address that tags the device's DMA. In practice it covers the whole group: no host driver may keep using any of its devices for DMA. The bind also checks interrupts. A device raises an MSI (message-signalled interrupt) by writing to a special address of the interrupt controller. If nothing checks who wrote, one device could raise another's interrupts. Interrupt remapping in the IOMMU, or an interrupt controller that checks the sender, prevents that. Function 0's MSIs go to a GICv3 ITS, an Arm interrupt controller that does check the sender. The Topology tab shows this as \"IR\" next to smmu0. So the bind goes through.",
      quote: {
        text: 'Binding a PCI device places the entire RID under iommufd control.',
        author: 'Jason Gunthorpe (patch text)',
        date: '2022-10-26',
      },
      action: 2,
      hint: "In the Topology tab, read the end of smmu0's line: IR or no IR? The Groups list at the bottom also marks any group whose MSIs are not isolated.",
    },
    {
      title: 'Attach to the IOAS: an automatic domain',
      prose:
        'Attach connects the device to the addresses of an IOAS. Attaching to an IOAS, rather than to a HWPT the program made itself, asks iommufd to find a domain for the device. The IOAS has none yet. So iommufd makes a new HWPT, marks it as an automatic domain, and returns its id. Kevin asked what the program gains from that id. Jason answered that it allows queries later, and that the id stays valid until the device is unbound.',
      action: 3,
      hint: 'The IOAS has no HWPT yet. What must iommufd make before the device can use the IOAS?',
    },
    {
      title: 'The domain narrows the IOAS',
      prose:
        "The valid ranges again. Two things came with the domain. First, its aperture: the range of IOVAs it can translate at all. Here that is 48 bits, so everything above 0xffffffffffff is now off limits. Second, function 0's reserved regions: IOVAs the device may not map, because something else needs them. Here it is the SMMU's software MSI window, 0x8000000..0x80fffff. Behind an SMMU an MSI write is translated like any other DMA, so the SMMU driver maps the interrupt controller's doorbell in that window itself. The alignment rises to 4 KiB, the domain's smallest page.",
      action: 4,
      view: { start: 0x0n, last: 0xffffffffffffn },
      hint: "Two things arrived with the domain: its aperture and the device's reserved regions. Where are they on the map?",
    },
    {
      title: 'Map guest RAM at a fixed IOVA',
      prose:
        'IOMMU_IOAS_MAP adds a mapping to the IOAS. With the FIXED_IOVA flag the caller chooses the IOVA: here 1 GiB of guest RAM at 0x40000000.',
      action: 5,
      view: { start: 0x40000000n, last: 0x7fffffffn },
    },
    {
      title: 'The MSI window is off limits',
      prose:
        'Now a fixed mapping of one 4 KiB page at 0x8000000, inside the MSI window. The patch reserves that window in the IOAS when a device attaches. Then iopt_check_iova refuses any mapping that touches a reserved region, with EINVAL ("invalid argument").',
      action: 6,
      view: { start: 0x8000000n, last: 0x80fffffn },
      hint: 'Look at the valid ranges of step 6: where does 0x8000000 fall?',
    },
    {
      title: 'Let iommufd choose the IOVA',
      prose:
        "Without FIXED_IOVA the kernel picks the address. It takes the lowest free hole that fits, aligned like the program's buffer. Here the buffer is 2 MiB and starts on a 2 MiB boundary, so it lands at 0x200000. IOVA 0 and the top page are never picked.",
      action: 7,
      view: { start: 0x0n, last: 0x3fffffn },
      hint: "The kernel picks the lowest hole that fits, aligned like the program's buffer (2 MiB here). What is the first 2 MiB-aligned IOVA it can use?",
    },
    {
      title: 'Bind function 1 of the same group',
      prose:
        'The card has no ACS (Access Control Services). ACS is a PCIe feature that would force traffic between the two functions up through the IOMMU. Without it, function 0 could reach function 1 without the IOMMU seeing it, so the kernel puts both functions in one group. Binding function 1 to the same iommufd shares the ownership that the first bind set up.',
      action: 8,
      hint: 'In the Topology tab, both functions carry the same group number. Who has owned that group since step 4?',
    },
    {
      title: 'Attach function 1: the automatic domain is shared',
      prose:
        "Attaching function 1 to the same IOAS first tries every automatic HWPT the IOAS already has. As the patch's comment puts it, any domain that is willing to take the device is as good as any other. The existing one takes it, so both functions share it, and the returned id is the same. The devices of one group must share one domain anyway: the kernel handles a group as a single unit.",
      action: 9,
      hint: 'Would a second domain help, when both functions are in one group?',
    },
    {
      title: 'Reserved regions are per device',
      prose:
        'Function 1 has a reserved window of its own, 0x20000000..0x200fffff. The firmware keeps it for this function alone (an IORT RMR: Arm firmware\'s way to say "leave this range to the device"). iommufd adds it to the IOAS when that device attaches, not when its sibling did. The list now has three ranges.',
      action: 10,
      view: { start: 0x0n, last: 0x3fffffffn },
      hint: "Find function 1's own reserved window on the map. Which valid range of step 6 does it cut?",
    },
    {
      title: 'Which is enforced',
      prose:
        "A fixed mapping onto function 1's reserved window, 0x20000000..0x200fffff. Both functions share one IOAS, so a window reserved for one of them limits the mappings of all of them.",
      action: 11,
      view: { start: 0x20000000n, last: 0x200fffffn },
      hint: 'Compare 0x20000000 with the three ranges of the previous step.',
    },
    {
      title: 'A HWPT in use cannot be destroyed',
      prose:
        'IOMMU_DESTROY frees an iommufd object, given its id. Here it is asked to destroy the automatic HWPT while two attached devices still use it. iommufd answers EBUSY ("device or resource busy").',
      action: 12,
      hint: "Click the HWPT's lane on the map: the Inspector lists the devices attached to it.",
    },
    {
      title: 'Detach function 1: its reservation goes',
      prose:
        'Detach undoes attach. Detaching function 1 removes its reserved IOVAs from the IOAS, even though function 0 of the same group stays attached. In the patch under review the removal only happened for the last device of a group. Kevin caught that, and Jason agreed it was a bug.',
      quote: {
        text: 'this is always required. not just for last device in a group.',
        author: 'Kevin Tian',
        date: '2022-11-05',
      },
      action: 13,
      hint: 'Function 0 stays attached. Which reserved window belongs to function 1 alone?',
    },
    {
      title: 'The window is valid again',
      prose:
        "The valid ranges again. The IOAS is back to two ranges, as in step 6: function 1's window is gone.",
      action: 14,
      view: { start: 0x0n, last: 0x3fffffffn },
      hint: 'Compare with the three ranges of step 12: the device that owned one of the holes has left.',
    },
    {
      title: 'Map over the freed window',
      prose: 'The program may now map 0x20000000..0x200fffff like any other IOVA.',
      action: 15,
      view: { start: 0x20000000n, last: 0x200fffffn },
      hint: 'After the detach of step 15, is 0x20000000 in a valid range again?',
    },
    {
      title: 'Re-attaching function 1 now fails',
      prose:
        'Function 1 cannot come back. Its reserved window would cover the mapping just made. iommufd refuses with EADDRINUSE ("address already in use"), rather than quietly removing the mapping. (Type1, the driver behind the older VFIO container, refuses the same conflict with EINVAL.)',
      action: 16,
      view: { start: 0x20000000n, last: 0x200fffffn },
      hint: 'Function 1 brings its reserved window back with it. What is mapped there now?',
    },
    {
      title: 'MSI isolation is checked at bind',
      prose:
        'The other SMMU, smmu1, has a network card below it. Its MSIs go through a GICv2m frame, an older Arm interrupt block that cannot check who sent a message. So a DMA write from this card could raise interrupts it does not own. The Topology tab shows "no IR" next to smmu1, and the Groups list marks the card\'s group "MSI not isolated". The bind fails with EPERM ("operation not permitted"). In the version under review, the way around the check was a flag on each attach (IOMMUFD_ATTACH_FLAGS_ALLOW_UNSAFE_INTERRUPT). Kevin asked for a warning like VFIO\'s when it is used. Jason found that "kind of gross", but added one. The kernel that shipped has no such flag. The way around is the iommufd.allow_unsafe_interrupts module parameter, a setting given to the kernel when it loads iommufd. Today\'s kernels run the check once, at bind, and accepting the risk logs a warning.',
      action: 17,
      tryThis: [
        'In the Topology tab, tick "iommufd.allow_unsafe_interrupts" under Platform: the steps are replayed, and the bind goes through, with a warning that MSIs are not isolated.',
      ],
      hint: 'In the Topology tab, compare the end of smmu1\'s line with smmu0\'s, and look at the "iommufd.allow_unsafe_interrupts" checkbox under Platform.',
    },
    {
      title: 'Detach the last device: the automatic domain goes',
      prose:
        'An automatic HWPT lives only as long as devices use it. When function 0, its last device, detaches, the HWPT is destroyed with it.',
      quote: {
        text: '"autodomain" means the hwpt is destroyed when its device list becomes empty.',
        author: 'Jason Gunthorpe',
        date: '2022-11',
      },
      action: 18,
      hint: 'Function 0 is the last device on the automatic HWPT. What becomes of an automatic HWPT with no devices?',
    },
    {
      title: 'Its id is gone',
      prose:
        'Destroying it again by its id reports ENOENT ("no such entry"): the object no longer exists.',
      action: 19,
      hint: 'What happened to the automatic HWPT when its last device left?',
    },
    {
      title: 'The IOAS is unconstrained again',
      prose:
        'With no domain left, the aperture and the MSI window no longer limit the IOAS, and the alignment is back to 1 byte. The mappings stay in the IOAS. They would be loaded into the next domain that attaches.',
      action: 20,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      tryThis: [
        'In the Actions form, choose iommufd.device_attach and attach function 0 to the IOAS again: a new automatic domain is made, filled with the mappings already in the IOAS, and its aperture and MSI window come back.',
      ],
      hint: 'The limits of step 6 came with the domain. Is there a domain now? Compare with step 3.',
    },
  ],
};
