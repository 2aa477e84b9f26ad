import type { LessonSpec } from '../types.ts';

/** Seed 002: several IOMMU domains in one type1 container. */
export const lesson002: LessonSpec = {
  id: 'type1-multi-domain',
  seed: {
    file: '002_7bc90686c7907540.txt',
    subject: 'Re: [RFC PATCH] vfio/iommu_type1: Multi-IOMMU domain support',
    date: '2014-01-20',
    participants: [
      'Alex Williamson (VFIO maintainer at Red Hat, author of the RFC)',
      'Varun Sethi (Freescale, PAMU IOMMU; reviewed the RFC)',
    ],
  },
  steps: [
    {
      title: 'Why one domain is not enough',
      prose:
        "By the end of this lesson you will know why a program that gives several devices to a virtual machine may need more than one set of address-translation tables for them, what happens to the memory already set up for the devices when a new set is added, and why the memory the program locks is counted only once. First the words. DMA is a device, such as a network card, reading or writing memory by itself, without the CPU. An IOMMU sits between devices and memory. It translates each address a device uses into a real memory address, and blocks the addresses nobody allowed. Those device addresses are called IOVAs (I/O virtual addresses). A mapping tells the IOMMU that a range of IOVAs leads to a range of memory. The IOMMU looks addresses up in page tables; one set of them is called a domain. VFIO is the Linux interface that hands a device to a program such as QEMU, which runs a virtual machine (the guest). A VFIO container (/dev/vfio/vfio) holds the program's mappings and the devices that use them. Now the story. On 17 January 2014 Alex Williamson, the VFIO maintainer at Red Hat, posted an RFC (a patch sent out for comments) to let one container hold several domains. Varun Sethi of Freescale, who worked on Freescale's PAMU IOMMU, reviewed it; this thread is their exchange of 20 January. The reason was cache coherency. The CPU keeps copies of memory in its caches, and DMA is coherent when the device and the CPU always see the same data. An Intel IOMMU (VT-d) with Snoop Control makes a DMA check the CPU caches when a snoop bit is set in its page-table entry. One machine can have several VT-d units, and Intel does not require every unit to have Snoop Control. A unit without it faults on the snoop bit. So a domain built with snoop bits cannot take a device behind such a unit. A second container would not do. Memory used for DMA is pinned: locked in place, so it cannot be swapped out or moved, and counted against the program's limit on locked memory. Two containers cannot tell that they pinned the same page, so the user would be billed twice. Instead type1, VFIO's IOMMU driver for containers, makes a new domain when a device cannot join an existing one, copies the existing mappings into it, and sends every later map and unmap to all the domains. This host has two VT-d units. dmar0 translates 48-bit IOVAs and has Snoop Control; dmar1 translates only 39-bit IOVAs and has no Snoop Control.",
    },
    {
      title: 'The groups',
      prose:
        "The kernel first sorts devices into IOMMU groups. A group is the smallest set of devices the kernel can keep apart from each other, and VFIO hands a program only whole groups. Here each device is alone in its group. The NIC (a network card) is group 3 and the NVMe drive (a solid-state disk) is group 4, both behind dmar0. The capture engine, built into the chipset, is group 1, behind dmar1. Groups 0 and 2 are the two PCIe root ports, the points where the cards' links leave the processor.",
      action: 0,
      hint: 'Open the Topology tab: count the devices, and note which VT-d unit (dmar0 or dmar1) each one sits under.',
    },
    {
      title: 'Open a container',
      prose:
        'QEMU opens /dev/vfio/vfio and gets an empty container. This one container will take all three devices.',
      action: 1,
    },
    {
      title: "Set the NIC's group",
      prose:
        "Group 3, the NIC's, joins the container. Nothing is translated yet: the container has not chosen its IOMMU driver.",
      action: 2,
      hint: 'In the Topology tab, look at the driver the NIC is bound to, and whether any other device shares its group.',
    },
    {
      title: 'Choose type1 v2: the first domain',
      prose:
        'Now QEMU picks the IOMMU driver: type1 v2. (The RFC floated a "v2" of the type1 interface with stricter rules for unmaps; you will meet them at the end.) With this RFC a domain is made when a group is attached, because only then can the kernel look at the group\'s devices and see which IOMMU unit they are behind. Before it, the domain came first. The NIC gets domain 1 on dmar0.',
      action: 3,
      hint: 'Which VT-d unit is the NIC behind in the Topology tab? Any domain for it has to live on that unit.',
    },
    {
      title: 'The container enforces coherency',
      prose:
        'VFIO_CHECK_EXTENSION asks the container a yes-or-no question. VFIO_DMA_CC_IOMMU asks: does the IOMMU keep every DMA cache-coherent? The answer is 1, yes. The only domain is on dmar0, which has Snoop Control, so every mapping gets the snoop bit.',
      action: 4,
      hint: 'The container has one domain so far. In the Topology tab, does the unit it sits on say "snoop control" or "no snoop control"?',
    },
    {
      title: 'Map 1 GiB',
      prose:
        "The first mapping: IOVA 0x0..0x3fffffff leads to the guest's first gigabyte of RAM in QEMU's memory. To make it, the kernel pins those pages and adds them to the process's locked memory. The most a process may lock is its RLIMIT_MEMLOCK, here 2 GiB + 2 MiB.",
      action: 5,
      view: { start: 0x0n, last: 0xffffffffn },
      hint: 'Look at 0x0..0x3fffffff on the map: is anything there already? Then compare 1 GiB with the locked-memory limit in the text.',
    },
    {
      title: 'Map the next 1 GiB',
      prose:
        'A second gigabyte, from IOVA 0x40000000, right after the first. Type1 keeps it as a separate entry. Before the RFC, type1 merged neighbouring mappings into one entry. The RFC removed that merging, because every domain must be able to honour the size of each original map.',
      action: 6,
      view: { start: 0x0n, last: 0xffffffffn },
      hint: 'The first mapping ends at 0x3fffffff. Where does this one start, and how much memory will the two lock together?',
    },
    {
      title: 'Map above 39 bits',
      prose:
        'A 2 MiB mapping at IOVA 0x8000000000 (512 GiB). That address needs 40 bits to write. It is valid now, because the only domain is on dmar0, which translates 48-bit IOVAs. The process now has 2 GiB + 2 MiB locked: exactly its RLIMIT_MEMLOCK.',
      action: 7,
      view: { start: 0x0n, last: 0xffffffffffffn },
      hint: '512 GiB is 2^39. How many bits can dmar0, the unit of the only domain, translate (Topology tab)? Then add 2 MiB to the memory already locked and compare with the limit.',
    },
    {
      title: 'The capture engine cannot join yet',
      prose:
        "Now group 1, the capture engine, joins. It sits behind dmar1, so it needs a domain there. A domain's aperture is the range of IOVAs it can translate at all. dmar1 translates 39-bit IOVAs only, so its aperture ends at 2^39 − 1 (0x7fffffffff). Type1 never drops a mapping to make room. A mapping outside the new aperture makes the attach fail with EINVAL, the error number the kernel returns for an invalid request (the Log names the rule: vfio_iommu_aper_conflict).",
      action: 8,
      view: { start: 0x7000000000n, last: 0x80001fffffn },
      hint: "Compare dmar1's width in the Topology tab with the mappings already on the map, the one at 512 GiB in particular.",
    },
    {
      title: 'Unmap the high mapping',
      prose:
        'VFIO_IOMMU_UNMAP_DMA removes mappings. This one covers exactly the 2 MiB mapping at 512 GiB, and the reply says how many bytes it removed.',
      action: 9,
      hint: 'Put the unmap range next to the mapping at 0x8000000000 on the map: does it cover the whole mapping, and nothing else?',
    },
    {
      title: 'Now it joins, in a second domain',
      prose:
        "With nothing left above 39 bits, group 1 can join. Type1 reuses an existing domain only when its IOMMU driver and its coherency setting match. dmar1 has no Snoop Control, so a domain there cannot enforce coherency, while domain 1 does. So group 1 gets a domain of its own, domain 2 on dmar1. The two 1 GiB mappings are replayed into it: written again into the new domain's page tables. Their pages are already pinned, so nothing is billed again.",
      action: 10,
      hint: "Look at the map between 0x7000000000 and 0x8000200000: is any mapping still outside dmar1's 39 bits? Then compare the two units' snoop control in the Topology tab.",
    },
    {
      title: 'Coherency is no longer guaranteed',
      prose:
        'The same question, VFIO_DMA_CC_IOMMU, again. The answer drops to 0 while any domain of the container cannot enforce coherency.',
      action: 11,
      tryThis: [
        'In the Topology tab, compare the two VT-d units: dmar1 says "no snoop control". That one difference is why its group needed a domain of its own, and why the container can no longer promise coherent DMA.',
      ],
      hint: 'The container now has two domains. Which units are they on, and does each unit have snoop control (Topology tab)?',
    },
    {
      title: 'The NVMe drive reuses domain 1',
      prose:
        "Group 4, the NVMe drive, sits behind dmar0. A new domain for it would match domain 1: the same IOMMU driver, coherency enforced. So the group joins domain 1, and no third domain is made. Comparing the IOMMU driver (the kernel's iommu_ops) was Varun's point in the thread: he wanted devices on different buses to share a domain, and Alex offered to compare drivers instead of bus types, which Varun accepted.",
      action: 12,
      hint: 'Which unit is the NVMe drive behind in the Topology tab, and which domain already lives on that unit? Two steps back says what type1 compares before it reuses a domain.',
    },
    {
      title: 'The valid IOVA list is the intersection',
      prose:
        "VFIO_IOMMU_GET_INFO reports what the container can do now. The valid IOVA ranges are where a mapping may go. They are what every domain can translate, the intersection of the groups' apertures, so they now end at 0x7fffffffff, dmar1's limit. They also leave out the reserved regions: IOVAs that no mapping may use. Here that is the MSI window 0xfee00000..0xfeefffff. A device raises an interrupt by writing to an address in it (an MSI, a message-signalled interrupt), so it cannot lead to memory. iova_pgsizes lists the page sizes every domain can use: the sizes one page-table entry can map, here 4 KiB, 2 MiB and 1 GiB (0x40201000). dma_avail is 65533: two of the 65535 mappings a container may hold are in use.",
      action: 13,
      view: { start: 0x0n, last: 0x7fffffffffn },
      hint: 'Take the IOVAs each VT-d unit can translate (its width in the Topology tab), keep only what both can, and then look on the map for a region no mapping may use.',
    },
    {
      title: 'Pinning is billed once per container',
      prose:
        'Two domains now hold the 2 GiB of mappings, but the process has been billed 2 GiB, not 4: pinned pages are counted per container. That leaves room under the limit for one 2 MiB mapping. It goes at 0x80000000, right after the second gigabyte, and into both domains.',
      action: 14,
      view: { start: 0x80000000n, last: 0x801fffffn },
      hint: 'Add up the memory the mappings on the map lock, counting each page once, and compare it with the 2 GiB + 2 MiB limit.',
    },
    {
      title: '…and the limit is reached',
      prose:
        'One more 4 KiB page, at 0x80200000, would go past RLIMIT_MEMLOCK. The map fails with ENOMEM, the error number for "out of memory" (the rule vfio_lock_acct in the Log). Had each domain been billed separately, the previous map would already have failed.',
      action: 15,
      hint: "Count the memory locked now, the previous step's 2 MiB included, against the 2 GiB + 2 MiB limit. This map asks for one more 4 KiB page.",
    },
    {
      title: 'Unmaps cover whole mappings',
      prose:
        'This unmap covers 0x20000000..0x5fffffff. It starts in the middle of the first mapping and ends in the middle of the second, so removing it would split both. Type1 v2 refuses with EINVAL and removes nothing.',
      quote: {
        text: "We've never guaranteed that a user is able to unmap at a finer granularity than the original mapping, but we must honor the granularity of the original mapping.",
        author: 'Alex Williamson',
        date: '2014-01-17',
      },
      action: 16,
      view: { start: 0x0n, last: 0x801fffffn },
      hint: 'Put the unmap range, 0x20000000..0x5fffffff, next to the mappings on the map: where does it start and end compared with their edges?',
    },
    {
      title: 'A range covering whole mappings',
      prose:
        'This unmap runs from 0x0 to 0x801fffff and covers all three mappings whole. It removes them from both domains and reports their total size, 0x80200000 bytes (2 GiB + 2 MiB).',
      action: 17,
      tryThis: [
        'Before you run this step, choose vfio.unmap_dma in the Actions form and type iova 0x0 and size 0x40000000: the dry run shows that exactly the first mapping would go.',
      ],
      hint: 'Check on the map that every mapping lies wholly inside 0x0..0x801fffff.',
    },
  ],
};
