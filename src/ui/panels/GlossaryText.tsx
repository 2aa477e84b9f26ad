import { type ReactNode } from 'react';
import { GLOSSARY, glossaryEntry, type GlossaryTerm } from '../../core/lessons/glossary.ts';
import { useStoreApi } from '../app/store-context.tsx';
import { askForTerm } from './glossary-focus.ts';

/** Every form of every term, longest first, matched as a whole word in any case. */
const FORMS = GLOSSARY.flatMap((t) => t.match.map((form) => ({ form, term: t }))).sort(
  (a, b) => b.form.length - a.form.length,
);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PATTERN = new RegExp(
  `(?<![\\w/-])(${FORMS.map((f) => escape(f.form)).join('|')})(?![\\w-])`,
  'gi',
);

/** The terms a text uses, in the order they first appear. */
export function termsIn(text: string): GlossaryTerm[] {
  const out: GlossaryTerm[] = [];
  for (const m of text.matchAll(PATTERN)) {
    const term = glossaryEntry(m[0]);
    if (term && !out.includes(term)) out.push(term);
  }
  return out;
}

/**
 * Text with the first use of each glossary term linked: hovering says what it means, a click
 * opens the glossary at it. `seen` carries the terms linked already in the same step, so a term
 * is explained where it first appears.
 */
export function GlossaryText({ text, seen = new Set() }: { text: string; seen?: Set<string> }) {
  const store = useStoreApi();
  const parts: ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(PATTERN)) {
    const term = glossaryEntry(m[0]);
    if (!term || seen.has(term.term)) continue;
    seen.add(term.term);
    parts.push(text.slice(at, m.index));
    parts.push(
      <button
        key={m.index}
        type="button"
        className="term"
        title={`${term.term}: ${term.definition}`}
        data-term={term.term}
        onClick={() => {
          askForTerm(term.term);
          store.getState().showTab('glossary');
        }}
      >
        {m[0]}
      </button>,
    );
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
