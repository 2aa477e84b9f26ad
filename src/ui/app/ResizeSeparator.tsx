import { useRef } from 'react';

const KEY_STEP_PX = 24;

/**
 * A handle that sizes one pane against another: drag it, or focus it and press the arrows (the
 * one pointing where the pane grows adds KEY_STEP_PX), Home (smallest) or End (largest). The
 * size moves with the pointer along `axis`, growing in the `grows` direction (+1 towards right
 * or down); it is always kept within `bounds()`, read when used (a container may have resized).
 */
export function ResizeSeparator({
  className,
  label,
  testId,
  axis,
  grows,
  size,
  bounds,
  setSize,
}: {
  className: string;
  label: string;
  testId: string;
  axis: 'x' | 'y';
  grows: 1 | -1;
  size: number;
  bounds: () => readonly [number, number];
  setSize: (size: number) => void;
}) {
  const drag = useRef<{ at: number; size: number } | undefined>(undefined);
  const clamped = (v: number) => {
    const [min, max] = bounds();
    return Math.round(Math.min(Math.max(min, max), Math.max(min, v)));
  };
  const along = (e: React.PointerEvent) => (axis === 'x' ? e.clientX : e.clientY);
  const [min, max] = bounds();
  const growKey =
    axis === 'x' ? (grows > 0 ? 'ArrowRight' : 'ArrowLeft') : grows > 0 ? 'ArrowDown' : 'ArrowUp';
  const shrinkKey =
    axis === 'x' ? (grows > 0 ? 'ArrowLeft' : 'ArrowRight') : grows > 0 ? 'ArrowUp' : 'ArrowDown';
  return (
    <div
      className={className}
      role="separator"
      // A separator's orientation is that of the line it draws: across the axis it moves along.
      aria-orientation={axis === 'y' ? 'horizontal' : 'vertical'}
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={Math.max(min, max)}
      aria-valuenow={size}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={(e) => {
        e.preventDefault();
        drag.current = { at: along(e), size };
        e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d) setSize(clamped(d.size + grows * (along(e) - d.at)));
      }}
      onPointerUp={(e) => {
        drag.current = undefined;
        e.currentTarget.releasePointerCapture?.(e.pointerId);
      }}
      onKeyDown={(e) => {
        let next: number | undefined;
        if (e.key === growKey) next = size + KEY_STEP_PX;
        else if (e.key === shrinkKey) next = size - KEY_STEP_PX;
        else if (e.key === 'Home') next = min;
        else if (e.key === 'End') next = max;
        if (next === undefined) return;
        // The arrows would also pan the map (the app's key handler on window).
        e.preventDefault();
        e.stopPropagation();
        setSize(clamped(next));
      }}
    />
  );
}
