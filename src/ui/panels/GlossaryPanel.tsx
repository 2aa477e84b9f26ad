import { useEffect, useRef, useState } from 'react';
import { GLOSSARY } from '../../core/lessons/glossary.ts';
import { onTermAsked, takeAskedTerm } from './glossary-focus.ts';

const anchor = (term: string) => `glossary-${term.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** Every word the lessons and the map use, in plain words; a term a lesson links is shown. */
export function GlossaryPanel() {
  const [shown, setShown] = useState<string | undefined>(() => takeAskedTerm());
  const root = useRef<HTMLElement>(null);
  useEffect(() => onTermAsked(setShown), []);
  useEffect(() => {
    if (!shown) return;
    const el = root.current?.querySelector<HTMLElement>(`#${anchor(shown)}`);
    el?.scrollIntoView?.({ block: 'nearest' });
    el?.focus({ preventScroll: true });
  }, [shown]);
  return (
    <section className="panel glossary" aria-label="glossary" ref={root}>
      <h2>Glossary</h2>
      <p className="muted small">
        The words the lessons and the map use. A term linked in a lesson opens here.
      </p>
      <dl>
        {GLOSSARY.map((t) => (
          <div key={t.term} className={t.term === shown ? 'term-entry shown' : 'term-entry'}>
            <dt id={anchor(t.term)} tabIndex={-1}>
              {t.term}
            </dt>
            <dd>{t.definition}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
