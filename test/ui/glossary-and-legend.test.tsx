import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOSSARY, glossaryEntry } from '../../src/core/lessons/glossary.ts';
import { LESSONS } from '../../src/core/lessons/index.ts';
import { openLesson } from '../../src/store/lesson.ts';
import { MapLegend } from '../../src/ui/map/MapLegend.tsx';
import { GlossaryPanel } from '../../src/ui/panels/GlossaryPanel.tsx';
import { GlossaryText, termsIn } from '../../src/ui/panels/GlossaryText.tsx';
import { LessonsPanel } from '../../src/ui/panels/LessonsPanel.tsx';
import { LEGEND } from '../../src/view/legend/legend.ts';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

/** The words the lessons lean on, which a beginner must be able to look up. */
const MUST_DEFINE = [
  'IOVA',
  'IOMMU',
  'domain',
  'IOMMU group',
  'container',
  'IOAS',
  'HWPT',
  'reserved region',
  'MSI',
  'ACS',
  'RMRR',
  'aperture',
  'page table',
];

describe('the glossary', () => {
  it('defines every word the lessons lean on, each once, in a sentence or more', () => {
    for (const t of MUST_DEFINE) expect(glossaryEntry(t)?.term, t).toBe(t);
    const forms = GLOSSARY.flatMap((t) => t.match.map((m) => m.toLowerCase()));
    expect(new Set(forms).size).toBe(forms.length);
    for (const t of GLOSSARY) expect(t.definition, t.term).toMatch(/^[A-Z].{40,}[.)]$/);
  });

  it('every lesson uses glossary terms, and each one it uses is linked where it first appears', () => {
    for (const lesson of LESSONS) {
      const store = defaultStore();
      const text = lesson.steps.map((s) => s.prose).join('\n');
      const used = termsIn(text);
      expect(used.length, lesson.id).toBeGreaterThan(3);
      for (const step of lesson.steps) {
        const { container, unmount } = renderWith(store, <GlossaryText text={step.prose} />);
        const linked = [...container.querySelectorAll('button.term')].map((b) =>
          b.getAttribute('data-term'),
        );
        expect(linked, `${lesson.id} step ${step.index + 1}`).toEqual(
          termsIn(step.prose).map((t) => t.term),
        );
        unmount();
      }
    }
  });

  it('a term in a lesson says what it means on hover, and a click opens the glossary at it', () => {
    const store = defaultStore();
    const lesson = LESSONS.find((l) => termsIn(l.steps[0]!.prose).length > 0)!;
    act(() => {
      openLesson(store, lesson.id, 0);
    });
    renderWith(store, <LessonsPanel />);
    const first = termsIn(lesson.steps[0]!.prose)[0]!;
    const link = screen
      .getByTestId('lesson-step')
      .querySelector<HTMLButtonElement>(`button.term[data-term="${first.term}"]`)!;
    expect(link.title).toBe(`${first.term}: ${first.definition}`);
    act(() => {
      fireEvent.click(link);
    });
    expect(store.getState().tabRequest).toEqual({ tab: 'glossary' });
    cleanup();
    render(<GlossaryPanel />);
    const shown = document.querySelector('.term-entry.shown')!;
    expect(within(shown as HTMLElement).getByText(first.term)).toBeTruthy();
    expect(shown.textContent).toContain(first.definition);
  });
});

describe('the map legend', () => {
  it('lists every colour and mark in the map’s own colours, and the ⚠ of the topology', async () => {
    renderWith(defaultStore(), <MapLegend />);
    expect(screen.queryByRole('region', { name: 'map legend' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Legend' }));
    const legend = screen.getByRole('region', { name: 'map legend' });
    // The entries load with the legend's first opening.
    const items = await within(legend).findAllByRole('listitem');
    expect(items).toHaveLength(LEGEND.length + 1);
    expect(items[0]!.textContent).toMatch(/^mapped a DMA mapping/);
    expect(legend.textContent).toContain('⚠');
    expect((items[0]!.querySelector('.swatch') as HTMLElement).style.background).not.toBe('');
  });
});
