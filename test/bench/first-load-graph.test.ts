import { describe, expect, it } from 'vitest';
import { staticallyReached } from './first-load-graph.ts';

/**
 * The first load stays small only while the code the first view does without is reached through
 * dynamic imports alone: a static import of any of these from the entry's graph brings it (and
 * what it imports) back into the JavaScript loaded before the first map.
 */
const LOADED_LATER = [
  'src/core/importers/index.ts',
  'src/core/analysis/index.ts',
  'src/core/lessons/index.ts',
  'src/store/lesson.ts',
  'src/store/findings.ts',
  'src/store/host-import.ts',
  'src/store/import-jobs.ts',
  'src/ui/import/ImportDialog.tsx',
  'src/ui/panels/FindingsPanel.tsx',
  'src/ui/panels/LessonsPanel.tsx',
  // The tabs and forms the first map does without: the actions form loads beside it.
  'src/ui/panels/InspectorPanel.tsx',
  'src/ui/actions/ActionsPanel.tsx',
  'src/view/actions/op-forms.ts',
  // The import worker's page side, big-workspace restores and share-link packing.
  'src/store/import-reader.ts',
  'src/store/restore-off-page.ts',
  'src/store/open-scenario-off-page.ts',
  'src/store/packed-import.ts',
  'src/store/share-pack.ts',
  // The glossary and the legend's entries, shown on request.
  'src/ui/panels/GlossaryPanel.tsx',
  'src/core/lessons/glossary.ts',
  'src/ui/map/LegendList.tsx',
  'src/view/legend/legend.ts',
  // The scenario schema and zod: the first view opens the default scenario from its prebuilt form.
  'zod',
  'src/core/scenario/schema.ts',
  'src/core/scenario/load.ts',
  'src/store/scenario-files.ts',
  'src/store/saved-steps.ts',
  // The gestures' d3 modules (and d3-transition, d3-interpolate, d3-color with them): the first
  // map is drawn without them.
  'd3-zoom',
  'd3-brush',
  'src/ui/map/gestures.ts',
  'src/ui/map/minimap-brush.ts',
];

describe('the first load', () => {
  const reached = staticallyReached(process.cwd(), 'src/ui/main.tsx');

  it('reaches the map and its store from the entry', () => {
    for (const m of ['src/ui/map/MapView.tsx', 'src/store/session.ts', 'react-dom/client'])
      expect(reached).toContain(m);
  });

  it('leaves out the importers, the analysis, the lessons, the panels not shown first, the scenario schema and the gestures', () => {
    expect(LOADED_LATER.filter((m) => reached.has(m))).toEqual([]);
  });
});
