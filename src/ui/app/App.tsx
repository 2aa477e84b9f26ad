import { useEffect, useRef } from 'react';
import { openFile } from '../../store/session.ts';
import { ActionsPanel } from '../actions/ActionsPanel.tsx';
import { MapView } from '../map/MapView.tsx';
import { InspectorPanel } from '../panels/InspectorPanel.tsx';
import { LogPanel } from '../panels/LogPanel.tsx';
import { TopologyPanel } from '../panels/TopologyPanel.tsx';
import { handleKey } from './keyboard.ts';
import { SideTabs, type SideTab } from './SideTabs.tsx';
import { useApp, useStoreApi } from './store-context.tsx';
import { Toolbar } from './Toolbar.tsx';

const RIGHT_TABS: readonly SideTab[] = [
  { id: 'actions', label: 'Actions', render: () => <ActionsPanel /> },
  { id: 'inspector', label: 'Inspector', render: () => <InspectorPanel /> },
];

const LEFT_TABS: readonly SideTab[] = [{ id: 'topology', label: 'Topology', render: () => <TopologyPanel /> }];

function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const notify = useApp((s) => s.notify);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" onClick={() => notify(undefined)} aria-label="dismiss message">
        ×
      </button>
    </div>
  );
}

export function App() {
  const store = useStoreApi();
  const theme = useApp((s) => s.theme);
  const ready = useApp((s) => s.history !== undefined);
  const selection = useApp((s) => s.selection);
  const widthRef = useRef<() => number>(() => 1000);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(store, e, widthRef.current())) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    const f = e.dataTransfer.files[0];
    if (f) void openFile(store, f);
  };

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <Toolbar mapWidth={() => widthRef.current()} />
      <NoticeBar />
      {ready ? (
        <main className="layout">
          <aside className="left">
            <SideTabs tabs={LEFT_TABS} label="platform panels" />
          </aside>
          <div className="centre">
            <MapView widthRef={widthRef} />
            <LogPanel />
          </div>
          <aside className="right">
            <SideTabs tabs={RIGHT_TABS} label="workspace panels" follow={{ key: selection, tab: 'inspector' }} />
          </aside>
        </main>
      ) : (
        <p className="loading">Opening the workspace…</p>
      )}
    </div>
  );
}
