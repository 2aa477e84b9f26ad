import { type ComponentType, lazy, Suspense } from 'react';

function Loading({ text }: { text: string }) {
  return (
    <p className="loading" role="status">
      {text}
    </p>
  );
}

/** A component loaded when it first renders, saying `loading` in its place meanwhile. */
export function later<P extends object>(
  load: () => Promise<ComponentType<P>>,
  loading: string,
): ComponentType<P> {
  const Later = lazy(() => load().then((c) => ({ default: c })));
  return function LoadedLater(props: P) {
    return (
      <Suspense fallback={<Loading text={loading} />}>
        <Later {...props} />
      </Suspense>
    );
  };
}
