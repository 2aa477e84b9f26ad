/**
 * The glossary term a link in a lesson asked for, handed to the glossary panel: it may be shown
 * already (the term is scrolled to at once) or open with the tab the link brings to the front.
 */
let wanted: string | undefined;
const listeners = new Set<(term: string) => void>();

export function askForTerm(term: string): void {
  wanted = term;
  for (const l of listeners) l(term);
}

/** The term asked for before the panel was there, taken once. */
export function takeAskedTerm(): string | undefined {
  const t = wanted;
  wanted = undefined;
  return t;
}

export function onTermAsked(listener: (term: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
