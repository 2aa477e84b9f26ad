import { useId, useState } from 'react';
import type { Platform } from '../../core/platform/types.ts';
import {
  hasAcsSwitch,
  KERNEL_VERSION_CHOICES,
  platformHasSwitch,
  type PlatformSwitch,
} from '../../core/scenario/platform-switch.ts';
import { selectReadOnly } from '../../store/app-store.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';
import { deviceLabel } from '../../view/model/pci-class.ts';

/**
 * The platform settings a learner flips instead of editing JSON: each one replays the workspace
 * on the edited platform as one undoable change (store/platform-change.ts), so the log and the
 * lesson say which steps now answer differently.
 */
export function PlatformSwitches({ platform }: { platform: Platform }) {
  const store = useStoreApi();
  const readOnly = useApp(selectReadOnly);
  const flip = (sw: PlatformSwitch) => store.getState().switchPlatform(sw);
  // A box is ticked when the platform already is as its "on" switch would leave it.
  const isOn = (sw: PlatformSwitch) => platformHasSwitch(platform, sw);
  const versionId = useId();
  const ports = platform.devices.filter(hasAcsSwitch);
  const params = platform.moduleParams;
  const versions = KERNEL_VERSION_CHOICES.some((c) => c.version === platform.kernel.version)
    ? KERNEL_VERSION_CHOICES
    : [
        { version: platform.kernel.version, change: 'as the scenario states' },
        ...KERNEL_VERSION_CHOICES,
      ];
  return (
    <fieldset
      className="platform-switches"
      aria-label="platform switches"
      disabled={readOnly !== undefined}
      title={readOnly}
    >
      <legend>Platform</legend>
      <p className="muted small">
        Change the host and every step is replayed on it; undo puts it back.
      </p>
      <div className="switch-row">
        <label htmlFor={versionId}>kernel</label>{' '}
        <select
          id={versionId}
          value={platform.kernel.version}
          onChange={(e) => flip({ kind: 'kernel-version', version: e.target.value })}
        >
          {versions.map((c) => (
            <option key={c.version} value={c.version}>
              {c.version} — {c.change}
            </option>
          ))}
        </select>
      </div>
      <Check
        label="Host bridge windows reserved (ARM kernels of 2017–2019)"
        checked={isOn({ kind: 'host-bridge-windows-reserved', on: true })}
        onChange={(on) => flip({ kind: 'host-bridge-windows-reserved', on })}
      />
      {(['vfio_iommu_type1', 'iommufd'] as const).map((module) => (
        <Check
          key={module}
          label={`${module}.allow_unsafe_interrupts`}
          checked={isOn({ kind: 'allow-unsafe-interrupts', module, on: true })}
          onChange={(on) => flip({ kind: 'allow-unsafe-interrupts', module, on })}
        />
      ))}
      <EntryLimit
        limit={params['vfio_iommu_type1.dma_entry_limit']}
        onChange={(limit) => flip({ kind: 'dma-entry-limit', limit })}
      />
      {ports.map((d) => (
        <Check
          key={d.bdf}
          label={`ACS on ${d.bdf} (${deviceLabel(d)})`}
          checked={isOn({ kind: 'acs', bdf: d.bdf, on: true })}
          onChange={(on) => flip({ kind: 'acs', bdf: d.bdf, on })}
        />
      ))}
    </fieldset>
  );
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label className="switch-row">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />{' '}
      {label}
    </label>
  );
}

/** The entry limit as typed: applied on Enter or when the field is left, refused when not a count. */
function EntryLimit({ limit, onChange }: { limit: number; onChange: (limit: number) => void }) {
  const id = useId();
  const [text, setText] = useState<string | undefined>(undefined);
  const shown = text ?? String(limit);
  const valid = /^\d+$/.test(shown.trim()) && Number(shown) <= 0xffffffff;
  const apply = () => {
    if (text === undefined) return;
    if (valid && Number(text) !== limit) onChange(Number(text));
    if (valid) setText(undefined);
  };
  return (
    <div className="switch-row">
      <label htmlFor={id}>vfio_iommu_type1.dma_entry_limit</label>{' '}
      <input
        id={id}
        className="entry-limit"
        inputMode="numeric"
        value={shown}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      {!valid && (
        <span className="warn small" role="alert">
          {' '}
          dma_entry_limit: expected a whole number of entries (0 to 4294967295), found &quot;{shown}
          &quot;
        </span>
      )}
    </div>
  );
}
