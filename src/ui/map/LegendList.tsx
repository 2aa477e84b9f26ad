import { LEGEND, TEXT_MARKS } from '../../view/legend/legend.ts';
import { PALETTES } from '../../view/theme/palette.ts';
import { useApp } from '../app/store-context.tsx';

/** What each colour and mark of the map means, with a swatch in the theme's own colour. */
export function LegendList() {
  const theme = useApp((s) => s.theme);
  const palette = PALETTES[theme];
  return (
    <ul>
      {LEGEND.map((e) => (
        <li key={e.label}>
          <span
            className={`swatch${e.outline ? ' outline' : ''}`}
            style={
              e.outline ? { borderColor: e.swatch(palette) } : { background: e.swatch(palette) }
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
  );
}
