import { Toggle } from './Toggle.tsx';
import { yieldToPage } from '../../store/yield-to-page.ts';
import { importReader } from '../import/import-reader-instance.ts';
import { useId, useRef, useState } from 'react';
import { selectReadOnly } from '../../store/app-store.ts';
import { openBuiltin, openFile } from '../../store/session.ts';
import { scenarioFiles } from '../../store/load-scenario-files.ts';
import { builtinScenarios } from '../../store/scenarios/builtin.ts';
import { parseGoto } from '../../view/viewport/goto.ts';
import { FULL_VIEW, zoomAt } from '../../view/viewport/viewport.ts';
import { exportWorkspace } from './export-workspace.ts';
import { useApp, useStoreApi } from './store-context.tsx';
import { useLessons } from './use-lessons.ts';

/** Scenario, file, share, navigation and theme controls. */
export function Toolbar({ mapWidth }: { mapWidth: () => number }) {
  const store = useStoreApi();
  const title = useApp(
    (s) => s.history?.present.scenario.title ?? s.history?.present.scenario.id ?? '',
  );
  const builtinId = useApp((s) => s.history?.present.builtinId);
  const lessonId = useApp((s) => s.lesson?.id);
  const lessons = useLessons();
  const compressed = useApp((s) => s.compressed);
  const theme = useApp((s) => s.theme);
  const readOnly = useApp(selectReadOnly);
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | undefined>(undefined);
  const [shareText, setShareText] = useState<string | undefined>(undefined);
  const fileRef = useRef<HTMLInputElement>(null);
  const gotoId = useId();
  const scenarioId = useId();

  const zoom = (steps: number) => {
    const s = store.getState();
    const w = mapWidth();
    s.setViewport(zoomAt(s.viewport, w / 2, w, steps));
  };

  const submitGoto = (e: React.FormEvent) => {
    e.preventDefault();
    const r = parseGoto(goto);
    if (!r.ok) {
      setGotoError(r.error);
      return;
    }
    setGotoError(undefined);
    store.getState().showRange(r.range);
  };

  const share = async () => {
    const s = store.getState();
    const present = s.history?.present;
    if (!present) return;
    const lesson = s.lesson;
    const { buildShareHash } = await import('../../store/share-pack.ts');
    const link = await buildShareHash(
      s.viewport,
      present.userSteps.length === 0 ? present.builtinId : undefined,
      async () => (await scenarioFiles()).workspaceText(present),
      lesson ? { id: lesson.id, step: lesson.step } : undefined,
    );
    if (!link.ok) {
      s.notify({ kind: 'error', text: link.message });
      setShareText(undefined);
      return;
    }
    history.replaceState(null, '', link.hash);
    const url = location.href;
    setShareText(url);
    // A link carries the scenario file only: an import's host facts, pasted lines and trace stay here.
    const lessonNote =
      lesson && present !== lesson.synced
        ? ` · the link opens the lesson at step ${lesson.step + 1}; your own actions are not part of it`
        : '';
    const hostNote =
      lessonNote +
      (present.host
        ? ' · the link holds the scenario only, not the imported host facts, pasted lines or trace (its findings will differ): use Save for the scenario file'
        : '');
    try {
      await navigator.clipboard.writeText(url);
      s.notify({ kind: 'info', text: `link copied to the clipboard${hostNote}` });
    } catch {
      s.notify({
        kind: 'info',
        text: `the link is in the address bar and in the box next to Share${hostNote}`,
      });
    }
  };

  return (
    <header className="toolbar">
      <h1>IOVA Explorer</h1>
      <label htmlFor={scenarioId} className="sr-only">
        built-in scenario
      </label>
      <select
        id={scenarioId}
        value={lessonId !== undefined ? `lesson:${lessonId}` : (builtinId ?? '')}
        onChange={(e) => {
          const v = e.target.value;
          if (v.startsWith('lesson:')) {
            store.getState().openLesson(v.slice('lesson:'.length), { tab: 'lessons' });
          } else if (v) void openBuiltin(store, v);
        }}
        title={readOnly ?? title}
        disabled={readOnly !== undefined}
      >
        {builtinId === undefined && lessonId === undefined && (
          <option value="">{title || 'custom scenario'}</option>
        )}
        <optgroup label="Scenarios">
          {builtinScenarios()
            .filter(
              (b) => b.lessonId === undefined || (b.id === builtinId && lessonId === undefined),
            )
            .map((b) => (
              <option key={b.id} value={b.id} title={b.shows}>
                {b.lessonId !== undefined
                  ? `${b.title} (all steps)`
                  : `${b.title}${b.shows ? ` — ${b.shows}` : ''}`}
              </option>
            ))}
        </optgroup>
        <optgroup label="Lessons">
          {lessons.map((l) => (
            <option key={l.id} value={`lesson:${l.id}`}>
              Lesson: {l.title}
            </option>
          ))}
        </optgroup>
      </select>
      <button
        type="button"
        onClick={() => fileRef.current?.click()}
        disabled={readOnly !== undefined}
        title={readOnly}
      >
        Open…
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="open a scenario file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void openFile(store, f, { reader: importReader(), yieldToPage });
          e.target.value = '';
        }}
      />
      <button type="button" onClick={() => void exportWorkspace(store)}>
        Save
      </button>
      <button
        type="button"
        onClick={() => store.getState().openImport()}
        disabled={readOnly !== undefined}
        title={
          readOnly ??
          'import a host bundle, sysfs/lspci/dmesg text, info mtree, a trace or error lines'
        }
      >
        Debug a real host…
      </button>
      <button
        type="button"
        onClick={() => void share()}
        title="a link to this scenario and view (an imported host's facts and pasted lines are not part of a link)"
      >
        Share
      </button>
      {shareText && (
        <input
          className="share-url"
          readOnly
          value={shareText}
          aria-label="share link"
          onFocus={(e) => e.target.select()}
        />
      )}
      <form className="goto" onSubmit={submitGoto} role="search">
        <label htmlFor={gotoId} className="sr-only">
          go to address or range
        </label>
        <input
          id={gotoId}
          value={goto}
          placeholder="go to 0xfee00000 or START-LAST"
          onChange={(e) => setGoto(e.target.value)}
          aria-invalid={gotoError !== undefined}
          spellCheck={false}
        />
        <button type="submit">Go</button>
        {gotoError && (
          <span className="field-error" role="alert">
            {gotoError}
          </span>
        )}
      </form>
      <button type="button" onClick={() => zoom(1)} aria-label="zoom in" title="zoom in (+)">
        +
      </button>
      <button type="button" onClick={() => zoom(-1)} aria-label="zoom out" title="zoom out (-)">
        −
      </button>
      <button
        type="button"
        onClick={() => store.getState().setViewport(FULL_VIEW)}
        aria-label="show the whole 64-bit space"
        title="show all 2^64 bytes"
      >
        2⁶⁴
      </button>
      <Toggle
        label="fold empty space"
        checked={compressed}
        onChange={(on) => store.getState().setCompressed(on)}
      />
      <button
        type="button"
        onClick={() => store.getState().setTheme(theme === 'dark' ? 'light' : 'dark')}
        aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
