import { lazy, Suspense } from 'react';
import type { ImportInput } from '../../store/host-import.ts';

/**
 * The panels the first view does not show, each loaded when it first renders: the findings and
 * lessons tabs are behind the default ones and the import dialog opens on request, so the
 * importers, the analysis and the lessons stay out of the JavaScript loaded before the first map.
 * While one loads, its place says so (a findings count is never shown before it is worked out).
 */
const FindingsPanelLater = lazy(() =>
  import('../panels/FindingsPanel.tsx').then((m) => ({ default: m.FindingsPanel })),
);
const LessonsPanelLater = lazy(() =>
  import('../panels/LessonsPanel.tsx').then((m) => ({ default: m.LessonsPanel })),
);
const ImportDialogLater = lazy(() =>
  import('../import/ImportDialog.tsx').then((m) => ({ default: m.ImportDialog })),
);

function Loading({ text }: { text: string }) {
  return (
    <p className="loading" role="status">
      {text}
    </p>
  );
}

export function FindingsPanel() {
  return (
    <Suspense fallback={<Loading text="working out findings…" />}>
      <FindingsPanelLater />
    </Suspense>
  );
}

export function LessonsPanel() {
  return (
    <Suspense fallback={<Loading text="loading the lessons…" />}>
      <LessonsPanelLater />
    </Suspense>
  );
}

export function ImportDialog({ initial }: { initial: readonly ImportInput[] }) {
  return (
    <Suspense fallback={<Loading text="opening the import dialog…" />}>
      <ImportDialogLater initial={initial} />
    </Suspense>
  );
}
