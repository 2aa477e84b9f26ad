import { type ReactNode, useId, useState } from 'react';

/** Tabs for a side panel; more panels (import, findings) can be added to the list later. */
export interface SideTab {
  readonly id: string;
  readonly label: string;
  readonly render: () => ReactNode;
}

export interface TabFollow {
  readonly key: unknown;
  readonly tab: string;
}

/** `follow`: when one of its keys changes (a new selection, an import), its tab comes to the front. */
export function SideTabs({
  tabs,
  label,
  follow = [],
  initial,
}: {
  tabs: readonly SideTab[];
  label: string;
  follow?: readonly TabFollow[];
  initial?: string;
}) {
  const [active, setActive] = useState(initial ?? tabs[0]?.id);
  const [followed, setFollowed] = useState<readonly unknown[]>(() => follow.map((f) => f.key));
  const changed = follow.findIndex((f, i) => f.key !== followed[i]);
  if (changed >= 0) {
    // Adjusting state while rendering (React's documented pattern), not in an effect.
    setFollowed(follow.map((f) => f.key));
    const f = follow[changed] as TabFollow;
    if (f.key !== undefined && tabs.some((t) => t.id === f.tab)) setActive(f.tab);
  }
  const base = useId();
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  return (
    <div className="side-tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-${t.id}-tab`}
            aria-selected={t.id === current?.id}
            aria-controls={`${base}-${t.id}-panel`}
            onClick={() => setActive(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {current && (
        <div
          role="tabpanel"
          id={`${base}-${current.id}-panel`}
          aria-labelledby={`${base}-${current.id}-tab`}
        >
          {current.render()}
        </div>
      )}
    </div>
  );
}
