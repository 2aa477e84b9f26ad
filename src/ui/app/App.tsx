import { yieldToPage } from '../../store/yield-to-page.ts';
import { importReader } from '../import/import-reader-instance.ts';
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { looksLikeScenario, openFile, readImportFiles } from '../../store/session.ts';
import { MapView } from '../map/MapView.tsx';
import { LogPanel } from '../panels/LogPanel.tsx';
import { TopologyPanel } from '../panels/TopologyPanel.tsx';
import { handleKey } from './keyboard.ts';
import {
  ActionsPanel,
  FindingsPanel,
  GlossaryPanel,
  ImportDialog,
  InspectorPanel,
  LessonsPanel,
} from './later-panels.tsx';
import { PersistenceBanner } from './PersistenceBanner.tsx';
import { SideTabs, type SideTab } from './SideTabs.tsx';
import { createPanelStore, layoutColumns, type PanelSide } from './panel-layout.ts';
import { SidePanel } from './SidePanel.tsx';
import { SplitHandle } from './SplitHandle.tsx';
import { useApp, useStoreApi } from './store-context.tsx';
import { Toolbar } from './Toolbar.tsx';

const RIGHT_TABS: readonly SideTab[] = [
  { id: 'actions', label: 'Actions', render: () => <ActionsPanel /> },
  { id: 'inspector', label: 'Inspector', render: () => <InspectorPanel /> },
  { id: 'findings', label: 'Findings', render: () => <FindingsPanel /> },
];

const LESSON_PANEL_PX = 340;

const LEFT_TABS: readonly SideTab[] = [
  { id: 'topology', label: 'Topology', render: () => <TopologyPanel /> },
  { id: 'lessons', label: 'Lessons', render: () => <LessonsPanel /> },
  { id: 'glossary', label: 'Glossary', render: () => <GlossaryPanel /> },
];

function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const notify = useApp((s) => s.notify);
  if (!notice) return null;
  return (
    <div
      className={`notice ${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
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
  const selectionQuiet = useApp((s) => s.selectionQuiet);
  const tabRequest = useApp((s) => s.tabRequest);
  const importDialog = useApp((s) => s.importDialog);
  const lessonId = useApp((s) => s.lesson?.id);
  const widthRef = useRef<() => number>(() => 1000);
  const centreRef = useRef<HTMLDivElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  // The log's height under the map once the user has set one; until then the map takes the
  // height its lanes need (no empty band under them) and the log the rest.
  const [logHeight, setLogHeight] = useState<number | undefined>(undefined);
  const [panels] = useState(() =>
    createPanelStore(typeof window !== 'undefined' ? window.innerWidth : 1600),
  );
  const columns = useStore(panels, layoutColumns);

  // A panel folded away comes back when the app brings one of its tabs to the front.
  useEffect(() => {
    if (lessonId === undefined) return;
    // A lesson's text wants a wider column than the topology list.
    const p = panels.getState();
    p.open('left');
    if (p.left.width < LESSON_PANEL_PX) p.setWidth('left', LESSON_PANEL_PX);
  }, [lessonId, panels]);
  useEffect(() => {
    const tab = tabRequest?.tab;
    const side: PanelSide | undefined = LEFT_TABS.some((t) => t.id === tab)
      ? 'left'
      : RIGHT_TABS.some((t) => t.id === tab)
        ? 'right'
        : undefined;
    if (side) panels.getState().open(side);
  }, [tabRequest, panels]);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(store, e, widthRef.current(), panels)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, panels]);

  // A scenario file dropped on the app opens; anything else (host text) goes to the import dialog.
  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault();
    const files = Array.from(e.dataTransfer.files);
    const first = files[0];
    if (!first) return;
    if (
      files.length === 1 &&
      (/\.json$/i.test(first.name) ||
        (first.size <= 4096 && looksLikeScenario(await first.slice(0, 64).text())))
    ) {
      void openFile(store, first, { reader: importReader(), yieldToPage });
      return;
    }
    const r = await readImportFiles(files);
    const refused = r.refused.length
      ? ({ kind: 'error', text: r.refused.join('; ') } as const)
      : undefined;
    if (r.inputs.length) store.getState().openImport(r.inputs, refused);
    else if (refused) store.getState().notify(refused);
  };

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={(e) => void onDrop(e)}>
      <Toolbar mapWidth={() => widthRef.current()} />
      <PersistenceBanner />
      <NoticeBar />
      {ready ? (
        <main
          className={`layout${lessonId !== undefined ? ' with-lesson' : ''}`}
          style={{ gridTemplateColumns: columns }}
        >
          <SidePanel side="left" panels={panels} name="topology and lessons" shortcut="[">
            <SideTabs
              tabs={LEFT_TABS}
              label="platform panels"
              initial={lessonId !== undefined ? 'lessons' : undefined}
              follow={[
                { key: lessonId, tab: 'lessons' },
                { key: tabRequest, tab: tabRequest?.tab ?? 'topology' },
              ]}
            />
          </SidePanel>
          <div className={`centre${logHeight === undefined ? ' log-fills' : ''}`} ref={centreRef}>
            <MapView widthRef={widthRef} />
            <SplitHandle
              logHeight={logHeight ?? logRef.current?.clientHeight ?? 190}
              setLogHeight={setLogHeight}
              container={() => centreRef.current}
            />
            <div className="log-pane" ref={logRef} style={{ height: logHeight }}>
              <LogPanel />
            </div>
          </div>
          <SidePanel
            side="right"
            panels={panels}
            name="actions, inspector and findings"
            shortcut="]"
          >
            <SideTabs
              tabs={RIGHT_TABS}
              label="workspace panels"
              follow={[
                { key: selectionQuiet ? undefined : selection, tab: 'inspector' },
                { key: tabRequest, tab: tabRequest?.tab ?? 'findings' },
              ]}
            />
          </SidePanel>
        </main>
      ) : (
        <p className="loading">Opening the workspace…</p>
      )}
      {importDialog && (
        <ImportDialog
          key={importDialog.inputs.map((i) => i.id).join('|') || 'empty'}
          initial={importDialog.inputs}
        />
      )}
    </div>
  );
}
