import { lazy, Suspense } from 'react';
import type { ImportInput } from '../../store/host-import.ts';

/**
 * The panels the first map does without, each loaded when it first renders: the inspector,
 * findings and lessons tabs are behind the default ones, the import dialog opens on request, and
 * the actions form loads beside the first map (the map does not wait for it). The importers, the
 * analysis, the lessons and the forms stay out of the JavaScript loaded before the first map
 * (at most 150 KiB gzip: BENCHMARKS.md).
 * While one loads, its place says so (a findings count is never shown before it is worked out).
 */
const ActionsPanelLater = lazy(() =>
  import('../actions/ActionsPanel.tsx').then((m) => ({ default: m.ActionsPanel })),
);
const InspectorPanelLater = lazy(() =>
  import('../panels/InspectorPanel.tsx').then((m) => ({ default: m.InspectorPanel })),
);
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

export function ActionsPanel() {
  return (
    <Suspense fallback={<Loading text="loading the actions…" />}>
      <ActionsPanelLater />
    </Suspense>
  );
}

export function InspectorPanel() {
  return (
    <Suspense fallback={<Loading text="opening the inspector…" />}>
      <InspectorPanelLater />
    </Suspense>
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
