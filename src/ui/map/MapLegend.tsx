import { useId, useState } from 'react';
import { LEGEND, TEXT_MARKS } from '../../view/legend/legend.ts';
import { PALETTES } from '../../view/theme/palette.ts';
import { useApp } from '../app/store-context.tsx';

/** The map's legend: what each colour and mark means, in the map's own colours. */
export function MapLegend() {
  const [open, setOpen] = useState(false);
  const theme = useApp((s) => s.theme);
  const palette = PALETTES[theme];
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
          <ul>
            {LEGEND.map((e) => (
              <li key={e.label}>
                <span
                  className={`swatch${e.outline ? ' outline' : ''}`}
                  style={
                    e.outline
                      ? { borderColor: e.swatch(palette) }
                      : { background: e.swatch(palette) }
                  }
                  aria-hidden="true"
                />
                <b>{e.label}</b> <span className="muted">{e.meaning}</span>
              </li>
            ))}
            {TEXT_MARKS.map((m) => (
              <li key={m.mark}>
                <span className="swatch mark" aria-hidden="true">
                  {m.mark}
                </span>
                <span className="muted">{m.meaning}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
