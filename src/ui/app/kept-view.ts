/**
 * A view this tab changed within the autosave's pause just before the page went away (a reload
 * a moment after a zoom). The write the page starts as it goes may not finish, so the view is
 * also kept in sessionStorage, which belongs to the tab and survives its reload, with the record
 * revision it goes over: the next load shows it only over that same record.
 */
const KEPT_VIEW = 'iova-explorer.kept-view';

interface KeptView {
  readonly key: string;
  readonly revision: number;
  readonly view: string;
}

export function keepView(key: string, revision: number, view: string): void {
  try {
    sessionStorage.setItem(KEPT_VIEW, JSON.stringify({ key, revision, view } satisfies KeptView));
  } catch {
    // Without sessionStorage the view is only as fresh as the last write that finished.
  }
}

/** The view kept over record `revision` of `key`, if any; whatever was kept is dropped. */
export function takeKeptView(key: string, revision: number): string | undefined {
  try {
    const text = sessionStorage.getItem(KEPT_VIEW);
    sessionStorage.removeItem(KEPT_VIEW);
    if (text === null) return undefined;
    const kept = JSON.parse(text) as Partial<KeptView> | null;
    return kept?.key === key && kept.revision === revision && typeof kept.view === 'string'
      ? kept.view
      : undefined;
  } catch {
    return undefined;
  }
}
