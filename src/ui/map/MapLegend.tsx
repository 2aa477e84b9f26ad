import { useId, useState } from 'react';
import { later } from '../app/later.tsx';

/** The map's legend: a toggle, and what each colour and mark means in the map's own colours. */
export function MapLegend() {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <button
        type="button"
        className="map-legend-toggle"
        aria-expanded={open}
        aria-controls={id}
        title="What the map's colours and marks mean"
        onClick={() => setOpen((v) => !v)}
      >
        Legend
      </button>
      {open && (
        <div className="map-legend" id={id} role="region" aria-label="map legend">
          <LegendListLater />
        </div>
      )}
    </>
  );
}

// The entries load when the legend is first opened: the first map does without them.
const LegendListLater = later(
  () => import('./LegendList.tsx').then((m) => m.LegendList),
  'loading the legend…',
);
