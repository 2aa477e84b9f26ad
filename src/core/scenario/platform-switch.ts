import { LATEST_KERNEL_VERSION } from '../platform/defaults.ts';
import { normalizeAcs } from '../platform/normalize.ts';
import type { AcsFlag, Platform } from '../platform/types.ts';
import type { ScenarioPlatform } from './schema.ts';

/**
 * The platform settings a person flips to see what the kernel would do differently: the ones the
 * lessons turn on, as controls instead of JSON edits. Each is a pure edit of the scenario's
 * platform; the workspace replays every step on the edited platform (store/platform-change.ts).
 */
export type PlatformSwitch =
  /** The 2017–2019 ARM behaviour: PCI host bridge windows reported as reserved regions. */
  | { readonly kind: 'host-bridge-windows-reserved'; readonly on: boolean }
  /** A module parameter the MSI isolation check reads (`vfio_iommu_type1_attach_group`, iommufd). */
  | {
      readonly kind: 'allow-unsafe-interrupts';
      readonly module: 'vfio_iommu_type1' | 'iommufd';
      readonly on: boolean;
    }
  /** `vfio_iommu_type1.dma_entry_limit`: how many mappings one container may hold. */
  | { readonly kind: 'dma-entry-limit'; readonly limit: number }
  /** The ACS controls that isolate a port's downstream devices (Source Validation, Request and Completion Redirect, Upstream Forwarding). */
  | { readonly kind: 'acs'; readonly bdf: string; readonly on: boolean }
  /** The kernel version, which picks the behaviour changes the model knows (kernel-semantics §9). */
  | { readonly kind: 'kernel-version'; readonly version: string };

/** The ACS controls a switch turns on: the set `pci_acs_enabled` asks of a port for isolation. */
export const ISOLATING_ACS: readonly AcsFlag[] = ['SV', 'RR', 'CR', 'UF'];

/**
 * Kernel versions at which the model's behaviour changes, each with what changed, for the kernel
 * version control. The list is what a learner can choose; any version string works in a file.
 */
export const KERNEL_VERSION_CHOICES: ReadonlyArray<{
  readonly version: string;
  readonly change: string;
}> = [
  { version: '5.2', change: 'before the VT-d ISA bridge region' },
  { version: '5.3', change: 'VT-d reports 0–16 MiB of an ISA bridge as direct' },
  { version: '5.4.7', change: 'the ISA bridge region is direct-relaxable' },
  { version: '6.5', change: 'before groups with a direct region are refused at claim' },
  { version: '6.6', change: 'a direct region refuses the group when it is set' },
  { version: '6.12', change: 'type1 nesting still accepted' },
  { version: '6.13', change: 'type1 nesting refused; VT-d first-stage domains' },
  { version: '6.17', change: 'AMD v1 aperture follows the address width' },
  { version: LATEST_KERNEL_VERSION, change: 'type1 overflow is EOVERFLOW, not EINVAL' },
];

/** ACS can be switched where it isolates what is below: root and switch downstream ports. */
export function hasAcsSwitch(device: Platform['devices'][number]): boolean {
  return device.pcieType === 'root_port' || device.pcieType === 'downstream';
}

/** The platform as `sw` leaves it; the rest of the platform is kept as written. */
export function withPlatformSwitch(
  platform: ScenarioPlatform | undefined,
  sw: PlatformSwitch,
): ScenarioPlatform {
  const p: ScenarioPlatform = platform ?? {};
  switch (sw.kind) {
    case 'host-bridge-windows-reserved':
      return { ...p, hostBridgeWindowsReserved: sw.on };
    case 'allow-unsafe-interrupts':
      return {
        ...p,
        moduleParams: { ...p.moduleParams, [`${sw.module}.allow_unsafe_interrupts`]: sw.on },
      };
    case 'dma-entry-limit':
      return {
        ...p,
        moduleParams: { ...p.moduleParams, 'vfio_iommu_type1.dma_entry_limit': sw.limit },
      };
    case 'kernel-version':
      return { ...p, kernel: { ...p.kernel, version: sw.version } };
    case 'acs':
      return {
        ...p,
        devices: (p.devices ?? []).map((d) =>
          d.bdf === sw.bdf ? { ...d, acs: switchedAcs(d.acs, sw.on) } : d,
        ),
      };
  }
}

type AcsInput = NonNullable<ScenarioPlatform['devices']>[number]['acs'];

/**
 * On: the capability gains the isolating controls and enables them. Off: a port that had the
 * capability keeps it with nothing enabled (lspci's `SrcValid-`...); one that had none has none.
 */
function switchedAcs(acs: AcsInput, on: boolean): AcsInput {
  // The capability as the engine reads it (the short form implies SV RR CR UF).
  const now = normalizeAcs(acs);
  const cap: AcsFlag[] = now === null || now === 'unknown' ? [] : [...now.cap];
  if (on) {
    const full = [...new Set([...cap, ...ISOLATING_ACS])];
    return { cap: full, ctl: full };
  }
  return cap.length === 0 ? null : { cap, ctl: [] };
}

/** The switch in words, for the log and the lesson: "host bridge windows reserved: off". */
export function describePlatformSwitch(sw: PlatformSwitch): string {
  switch (sw.kind) {
    case 'host-bridge-windows-reserved':
      return `host bridge windows reserved: ${sw.on ? 'on' : 'off'}`;
    case 'allow-unsafe-interrupts':
      return `${sw.module}.allow_unsafe_interrupts: ${sw.on ? 'on' : 'off'}`;
    case 'dma-entry-limit':
      return `vfio_iommu_type1.dma_entry_limit: ${sw.limit}`;
    case 'kernel-version':
      return `kernel version: ${sw.version}`;
    case 'acs':
      return `ACS on ${sw.bdf}: ${sw.on ? 'on' : 'off'}`;
  }
}

/** Whether the platform already is as `sw` would leave it (a control shows its current value). */
export function platformHasSwitch(platform: Platform, sw: PlatformSwitch): boolean {
  switch (sw.kind) {
    case 'host-bridge-windows-reserved':
      return platform.hostBridgeWindowsReserved === sw.on;
    case 'allow-unsafe-interrupts':
      return platform.moduleParams[`${sw.module}.allow_unsafe_interrupts`] === sw.on;
    case 'dma-entry-limit':
      return platform.moduleParams['vfio_iommu_type1.dma_entry_limit'] === sw.limit;
    case 'kernel-version':
      return platform.kernel.version === sw.version;
    case 'acs':
      return acsIsolates(platform.devices.find((d) => d.bdf === sw.bdf)?.acs) === sw.on;
  }
}

/** Whether a port's ACS has every isolating control enabled. */
export function acsIsolates(acs: Platform['devices'][number]['acs'] | undefined): boolean {
  return (
    acs !== undefined &&
    acs !== null &&
    acs !== 'unknown' &&
    ISOLATING_ACS.every((f) => acs.ctl.includes(f))
  );
}
