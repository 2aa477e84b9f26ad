import { formatRange } from '../../core/u64.ts';
import { useEffect, useRef } from 'react';
import type { PciDevice } from '../../core/platform/types.ts';
import type { PlatformIndex } from '../../core/platform/platform-index.ts';
import { groupHasIsolatedMsi } from '../../core/platform/platform-index.ts';
import { isDmaApiDriver } from '../../core/iommu/ownership.ts';
import { useApp } from '../app/store-context.tsx';
import { groupColor, type ThemeName } from '../../view/theme/palette.ts';
import { deviceLabel } from '../../view/model/pci-class.ts';
import { PlatformSwitches } from './PlatformSwitches.tsx';

/** IOMMU units → host bridges → ports → devices, groups coloured, ACS flags shown as lspci does. */
function acsText(d: PciDevice): string {
  if (d.acs === null) return 'no ACS';
  if (d.acs === 'unknown') return 'ACS unknown';
  return `ACS ${d.acs.cap.map((f) => `${f}${d.acs !== null && d.acs !== 'unknown' && d.acs.ctl.includes(f) ? '+' : '-'}`).join(' ')}`;
}

function DeviceNode({
  d,
  index,
  theme,
  depth,
}: {
  d: PciDevice;
  index: PlatformIndex;
  theme: ThemeName;
  depth: number;
}) {
  const select = useApp((s) => s.select);
  const selected = useApp((s) => s.selection?.kind === 'device' && s.selection.bdf === d.bdf);
  const group = index.groupOf.get(d.bdf);
  const children = index.platform.devices.filter((c) => c.parent === d.bdf);
  const risky = isDmaApiDriver(d.hostDriver);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // A device selected elsewhere (a finding, the map) is scrolled into view.
    if (selected) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  return (
    <li>
      <button
        ref={ref}
        type="button"
        className={`device${selected ? ' selected' : ''}`}
        style={{ paddingLeft: 6 + depth * 12 }}
        onClick={() => select({ kind: 'device', bdf: d.bdf })}
        aria-label={`device ${d.bdf} ${deviceLabel(d)}, group ${group ?? 'none'}`}
      >
        {group !== undefined && (
          <span
            className="group-chip"
            style={{ background: groupColor(group, theme) }}
            title={index.groupReasons.get(d.bdf)}
          >
            {group}
          </span>
        )}
        <span className="bdf">{d.bdf}</span>
        <span className="dev-name" title={d.class ? `class ${d.class}` : undefined}>
          {deviceLabel(d)}
        </span>
        <span className="dev-meta">
          {d.pcieType ?? ''} · {acsText(d)} · {d.hostDriver ?? 'no driver'}
          {risky ? ' ⚠' : ''}
        </span>
      </button>
      {children.length > 0 && (
        <ul>
          {children.map((c) => (
            <DeviceNode key={c.bdf} d={c} index={index} theme={theme} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function TopologyPanel() {
  const index = useApp((s) => s.history?.present.state.index);
  const theme = useApp((s) => s.theme);
  const selectedGroup = useApp((s) =>
    s.selection?.kind === 'group' ? s.selection.group : undefined,
  );
  if (!index) return null;
  const p = index.platform;
  const roots = p.devices.filter((d) => d.parent === undefined || !index.devices.has(d.parent));
  return (
    <section className="panel topology" aria-label="topology">
      <h2>Topology</h2>
      <PlatformSwitches platform={p} />
      {p.iommus.map((u) => (
        <div key={u.id} className="unit">
          <h3>
            {u.id}{' '}
            <span className="muted">
              {u.kind} · {u.addressWidth ?? '?'}-bit ·{' '}
              {u.snoopControl ? 'snoop control' : 'no snoop control'} ·{' '}
              {u.interruptRemapping ? 'IR' : 'no IR'}
            </span>
          </h3>
          <ul className="tree">
            {roots
              .filter((d) => d.iommu === u.id)
              .map((d) => (
                <DeviceNode key={d.bdf} d={d} index={index} theme={theme} depth={0} />
              ))}
          </ul>
        </div>
      ))}
      {roots.some((d) => d.iommu === undefined) && (
        <div className="unit">
          <h3>no IOMMU</h3>
          <ul className="tree">
            {roots
              .filter((d) => d.iommu === undefined)
              .map((d) => (
                <DeviceNode key={d.bdf} d={d} index={index} theme={theme} depth={0} />
              ))}
          </ul>
        </div>
      )}
      <h3>Host bridges</h3>
      <ul className="plain">
        {p.hostBridges.map((b) => (
          <li key={b.id}>
            {b.id}: {b.windows.map((w) => `${w.kind} ${formatRange(w)}`).join(', ')}
          </li>
        ))}
      </ul>
      <h3>Groups</h3>
      <ul className="plain">
        {[...index.groups.values()].map((g) => (
          <li
            key={g.id}
            className={g.id === selectedGroup ? 'selected' : undefined}
            aria-current={g.id === selectedGroup ? 'true' : undefined}
          >
            <span className="group-chip" style={{ background: groupColor(g.id, theme) }}>
              {g.id}
            </span>{' '}
            {g.devices.join(', ')} {groupHasIsolatedMsi(index, g.id) ? '' : '· MSI not isolated'}
          </li>
        ))}
      </ul>
    </section>
  );
}
