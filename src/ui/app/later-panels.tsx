import { later } from './later.tsx';
import type { ImportInput } from '../../store/host-import.ts';

/**
 * The panels the first map does without, each loaded when it first renders: the inspector,
 * findings and lessons tabs are behind the default ones, the import dialog opens on request, and
 * the actions form loads beside the first map (the map does not wait for it). The importers, the
 * analysis, the lessons and the forms stay out of the JavaScript loaded before the first map
 * (at most 150 KiB gzip: BENCHMARKS.md).
 * While one loads, its place says so (a findings count is never shown before it is worked out).
 */
export const ActionsPanel = later(
  () => import('../actions/ActionsPanel.tsx').then((m) => m.ActionsPanel),
  'loading the actions…',
);
export const InspectorPanel = later(
  () => import('../panels/InspectorPanel.tsx').then((m) => m.InspectorPanel),
  'opening the inspector…',
);
export const FindingsPanel = later(
  () => import('../panels/FindingsPanel.tsx').then((m) => m.FindingsPanel),
  'working out findings…',
);
export const GlossaryPanel = later(
  () => import('../panels/GlossaryPanel.tsx').then((m) => m.GlossaryPanel),
  'opening the glossary…',
);
export const LessonsPanel = later(
  () => import('../panels/LessonsPanel.tsx').then((m) => m.LessonsPanel),
  'loading the lessons…',
);
export const ImportDialog = later<{ initial: readonly ImportInput[] }>(
  () => import('../import/ImportDialog.tsx').then((m) => m.ImportDialog),
  'opening the import dialog…',
);
