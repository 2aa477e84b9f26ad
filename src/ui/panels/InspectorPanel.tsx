import { describeResvType } from '../../core/platform/resv-regions.ts';
import { formatRange, formatSize, hex, readableSize, sizeWithBytes } from '../../core/u64.ts';
import { addressSpaces, lanesOf } from '../../store/address-spaces.ts';
import type { Lane } from '../../view/map/lanes.ts';
import { laneIoas } from '../../view/map/lane-objects.ts';
import { selectShown } from '../../store/app-store.ts';
import type { Snapshot } from '../../store/workspace.ts';
import type { Selection } from '../../store/selection.ts';
import { useApp } from '../app/store-context.tsx';
import { leafLevel, splitIntoPages } from '../../core/iommu/pgsize.ts';
import { deviceLabel, pciClassName } from '../../view/model/pci-class.ts';
import { type FormFill, mapFormFor, unmapFormFor } from '../../view/actions/footprint.ts';
import { PageTableView } from './PageTableView.tsx';
import { RangeLink } from './RangeText.tsx';

/** For an IOAS or HWPT lane: the IOAS, and where its areas go (each HWPT's domain maps all of them). */
function IoasFacts({ present, lane }: { present: Snapshot; lane: Lane }) {
  const ids = laneIoas(lane);
  const io = ids ? addressSpaces(present.state).ioas.find((i) => i.id === ids.ioas) : undefined;
  if (!ids || !io) return null;
  const hwpt = ids.hwpt !== undefined ? io.hwpts.find((h) => h.id === ids.hwpt) : undefined;
  return (
    <>
      <dt>IOAS</dt>
      <dd>
        {io.id} · IOVA alignment {hex(io.iovaAlignment)} · {io.areas.size} area(s)
      </dd>
      <dt>{hwpt ? 'HWPT' : 'in HWPTs'}</dt>
      <dd data-testid="inspector-hwpts">
        {hwpt
          ? `${hwpt.id}${hwpt.auto ? ' (automatic)' : ''} · ${hwpt.iommu} · ${hwpt.devices.join(', ') || 'no devices'}`
          : io.hwpts.length === 0
            ? 'none: no device is attached, so the area is in no IOMMU page table yet'
            : io.hwpts
                .map((h) => `HWPT ${h.id}${h.auto ? ' (auto)' : ''} on ${h.iommu}`)
                .join(', ')}
      </dd>
    </>
  );
}

function MappingDetails({
  present,
  laneId,
  start,
}: {
  present: Snapshot;
  laneId: string;
  start: bigint;
}) {
  const lane = lanesOf(present).find((l) => l.id === laneId);
  const entry = lane?.mappings?.at(start);
  if (!lane || !entry)
    return (
      <p className="muted">The selected mapping no longer exists (it was unmapped or undone).</p>
    );
  const split =
    lane.pgsizeBitmap !== undefined ? splitIntoPages(entry, lane.pgsizeBitmap) : undefined;
  const iommufd = lane.kind === 'ioas' || lane.kind === 'hwpt';
  return (
    <div>
      <h3>
        {iommufd ? 'Area' : 'Mapping'} in {lane.mappingOwner ?? lane.label}
      </h3>
      <dl>
        <dt>IOVA</dt>
        <dd data-testid="inspector-range">{formatRange(entry)}</dd>
        <dt>size</dt>
        <dd>{sizeWithBytes(entry.last - entry.start + 1n)}</dd>
        <dt>vaddr</dt>
        <dd>
          {hex(entry.value.vaddr)}
          {entry.value.vaddrInvalid ? ' (invalidated: VFIO_DMA_UNMAP_FLAG_VADDR)' : ''}
        </dd>
        <dt>access</dt>
        <dd>
          {[entry.value.read ? 'read' : '', entry.value.write ? 'write' : '']
            .filter(Boolean)
            .join(' + ') || 'none'}
        </dd>
        {iommufd && <IoasFacts present={present} lane={lane} />}
      </dl>
      <FillFormButton fill={unmapFormFor(lane, entry)} />
      {split && (
        <>
          <h4>
            IOMMU pages — best case
            {lane.kind === 'ioas' ? ' (page sizes every HWPT of the IOAS has)' : ''}
          </h4>
          <p className="muted small">
            By IOVA alignment alone, assuming the memory behind it is physically contiguous and
            aligned the same way; the kernel uses smaller pages wherever it is not.
          </p>
          <table className="pages" aria-label="page split">
            <thead>
              <tr>
                <th>page</th>
                <th>count</th>
                <th>leaf level</th>
              </tr>
            </thead>
            <tbody>
              {split.totals.map((t) => (
                <tr key={String(t.size)}>
                  <td>{t.label}</td>
                  <td>{t.count.toString()}</td>
                  <td>{leafLevel(t.size) !== undefined ? `L${leafLevel(t.size)}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>{split.runs.length} run(s) in address order</summary>
            <ol className="runs">
              {split.runs.slice(0, 64).map((r) => (
                <li key={String(r.start)}>
                  {hex(r.start)}: {r.count.toString()} × {formatSize(r.size)}
                </li>
              ))}
            </ol>
          </details>
          {split.unmappable > 0n && (
            <p className="warn">
              {formatSize(split.unmappable)} is not aligned to the smallest page.
            </p>
          )}
        </>
      )}
      {lane.domains && <PageTableView state={present.state} domains={lane.domains} range={entry} />}
    </div>
  );
}

function DeviceDetails({ present, bdf }: { present: Snapshot; bdf: string }) {
  const index = present.state.index;
  const d = index.devices.get(bdf);
  if (!d) return <p className="muted">No device {bdf} on this platform.</p>;
  const group = index.groupOf.get(bdf);
  const resv = index.deviceResv.get(bdf) ?? [];
  const members = group === undefined ? [bdf] : (index.groups.get(group)?.devices ?? [bdf]);
  const others = members.filter((m) => m !== bdf);
  // The engine's reason for each member of the group, as it gave them.
  const reasons = members.map((m) => index.groupReasons.get(m)).filter((r): r is string => !!r);
  return (
    <div>
      <h3>
        {d.bdf} {deviceLabel(d)}
      </h3>
      <dl>
        <dt>group</dt>
        <dd data-testid="device-group">
          {group ?? 'none'}
          {others.length > 0 ? ` · shared with ${others.join(', ')}` : ''}
          {reasons.length > 0 && (
            <ul className="plain">
              {reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>IOMMU</dt>
        <dd>{d.iommu ?? 'none'}</dd>
        <dt>class</dt>
        <dd>{d.class ? `${d.class} · ${pciClassName(d.class) ?? ''}` : 'unknown'}</dd>
        <dt>type</dt>
        <dd>
          {d.pcieType ?? 'unknown'}
          {d.multifunction ? ' · multifunction' : ''}
        </dd>
        <dt>driver</dt>
        <dd>{d.hostDriver ?? 'none'}</dd>
        <dt>ACS</dt>
        <dd>
          {d.acs === null
            ? 'no capability'
            : d.acs === 'unknown'
              ? 'unknown'
              : `cap ${d.acs.cap.join(' ')} · ctl ${d.acs.ctl.join(' ') || 'none'}`}
        </dd>
        <dt>parent</dt>
        <dd>{d.parent ?? '—'}</dd>
      </dl>
      {d.bars.length > 0 && (
        <>
          <h4>BARs</h4>
          <ul className="plain">
            {d.bars.map((b) => (
              <li key={b.index}>
                BAR{b.index}: {formatRange(b)} ({readableSize(b.last - b.start + 1n)})
                {b.prefetchable ? ' prefetchable' : ''}
                {b.is64 ? ' 64-bit' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Reserved regions</h4>
      <ul className="plain">
        {resv.length === 0 && <li className="muted">none</li>}
        {resv.map((r) => (
          <li key={`${r.start}-${r.type}`}>
            {formatRange(r)} {r.type} — {describeResvType(r.type)}
            {r.origin ? ` (${r.origin})` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A button that opens the Actions form filled for the op (an unmap, a map), to check and run. */
function FillFormButton({ fill }: { fill: FormFill | undefined }) {
  const fillForm = useApp((s) => s.fillForm);
  if (!fill) return null;
  return (
    <button
      type="button"
      className="fill-form"
      title={`open ${fill.op} in the Actions form, filled in: check the dry run, then run it`}
      onClick={() => fillForm(fill.op, fill.values)}
    >
      {fill.verb}… ({fill.op})
    </button>
  );
}

/** A lane picked by its label: what it draws, its aperture, its regions and its mappings. */
function LaneDetails({ present, laneId }: { present: Snapshot; laneId: string }) {
  const lane = lanesOf(present).find((l) => l.id === laneId);
  if (!lane) return <p className="muted">That lane is not on the map any more.</p>;
  const valid = lane.background.filter((b) => b.kind === 'valid');
  return (
    <div>
      <h3>{lane.label}</h3>
      {lane.detail && <p className="muted small">{lane.detail}</p>}
      <dl>
        {lane.aperture && (
          <>
            <dt>aperture</dt>
            <dd data-testid="inspector-aperture">
              {lane.aperture.label} · <RangeLink range={lane.aperture} laneId={lane.id} />
            </dd>
          </>
        )}
        {lane.mappings && (
          <>
            <dt>{lane.kind === 'ioas' || lane.kind === 'hwpt' ? 'areas' : 'mappings'}</dt>
            <dd>{lane.mappings.size.toLocaleString('en-US')}</dd>
          </>
        )}
        {valid.length > 0 && (
          <>
            <dt>valid IOVA</dt>
            <dd>
              <ul className="plain">
                {valid.map((v) => (
                  <li key={String(v.start)}>
                    <RangeLink range={v} laneId={lane.id} /> ({readableSize(v.last - v.start + 1n)})
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {lane.spans.length > 0 && (
        <>
          <h4>Regions</h4>
          <ul className="plain">
            {lane.spans.map((r) => (
              <li key={`${r.start}-${r.kind}-${r.owner}`}>
                <RangeLink range={r} laneId={lane.id} /> {r.label} · {r.owner}
              </li>
            ))}
          </ul>
        </>
      )}
      {!lane.nested && <FillFormButton fill={mapFormFor(lane)} />}
    </div>
  );
}

function Details({ present, selection }: { present: Snapshot; selection: Selection }) {
  switch (selection.kind) {
    case 'mapping':
      return <MappingDetails present={present} laneId={selection.laneId} start={selection.start} />;
    case 'span':
      return (
        <div>
          <h3>{selection.label}</h3>
          <dl>
            <dt>range</dt>
            <dd data-testid="inspector-range">{formatRange(selection)}</dd>
            <dt>size</dt>
            <dd>{sizeWithBytes(selection.last - selection.start + 1n)}</dd>
          </dl>
        </div>
      );
    case 'lane':
      return <LaneDetails present={present} laneId={selection.laneId} />;
    case 'device':
      return <DeviceDetails present={present} bdf={selection.bdf} />;
    case 'group': {
      const g = present.state.index.groups.get(selection.group);
      return g ? (
        <div>
          <h3>group {g.id}</h3>
          <p>{g.devices.join(', ')}</p>
        </div>
      ) : (
        <p className="muted">No group {selection.group}.</p>
      );
    }
  }
}

/** The selected mapping, region or device. */
export function InspectorPanel() {
  const present = useApp(selectShown);
  const selection = useApp((s) => s.selection);
  return (
    <section className="panel inspector" aria-label="inspector">
      <h2>Inspector</h2>
      {!present || !selection ? (
        <p className="muted">
          Click a mapping or a region on the map, or a device in the topology.
        </p>
      ) : (
        <Details present={present} selection={selection} />
      )}
    </section>
  );
}
