import { ResizeSeparator } from './ResizeSeparator.tsx';

/** Height limits of the log pane under the map, in px. */
export const LOG_MIN_PX = 44;
/** The map keeps at least this much when the log is dragged up. */
export const MAP_MIN_PX = 160;

/**
 * The handle between the map and the log: drag it (or focus it and press ↑/↓, Home/End) to give
 * one more height than the other. It sets the log's height; the map takes the rest.
 */
export function SplitHandle({
  logHeight,
  setLogHeight,
  container,
}: {
  logHeight: number;
  setLogHeight: (h: number) => void;
  container: () => HTMLElement | null;
}) {
  return (
    <ResizeSeparator
      className="split-handle"
      label="resize the map and the log"
      testId="split-handle"
      axis="y"
      grows={-1}
      size={logHeight}
      bounds={() => [LOG_MIN_PX, (container()?.clientHeight ?? 800) - MAP_MIN_PX]}
      setSize={setLogHeight}
    />
  );
}
