import { useEffect, useMemo, useRef, useState } from 'react';
import type { UnitChoice } from '../../core/importers/index.ts';
import { type ImportInput, type ParsedInput, parseInput } from '../../store/host-import.ts';
import { inputLength } from '../../store/import-read-key.ts';
import { CancelledError, type ImportReader, OFF_PAGE_CHARS } from '../../store/import-reader.ts';

/** An input the worker is still reading: lines read so far and the fraction of its text. */
export interface Reading {
  readonly input: ImportInput;
  readonly lines: number;
  readonly fraction: number;
}

export function readsOffPage(input: ImportInput): boolean {
  return inputLength(input) > OFF_PAGE_CHARS;
}

const keyOf = (i: ImportInput, iommu: UnitChoice | undefined) =>
  JSON.stringify([i.id, i.kind ?? '', inputLength(i), iommu ?? null]);

/**
 * The dialog's inputs, read: short ones on the page at once, long ones by the worker (their
 * steps left out, only counted), with their progress meanwhile. A long input is read once per
 * kind and unit pick: typing in the paste box does not read a dropped trace again.
 */
export function useReadInputs(
  inputs: readonly ImportInput[],
  iommu: UnitChoice | undefined,
  reader: ImportReader,
): { parsed: ParsedInput[]; reading: Reading[] } {
  const onPage = useMemo(
    () =>
      new Map(inputs.filter((i) => !readsOffPage(i)).map((i) => [i.id, parseInput(i, { iommu })])),
    [inputs, iommu],
  );
  const [read, setRead] = useState<ReadonlyMap<string, ParsedInput>>(new Map());
  const [progress, setProgress] = useState<ReadonlyMap<string, Omit<Reading, 'input'>>>(new Map());
  const offPage = inputs.filter(readsOffPage);
  const missing = offPage.filter((i) => !read.has(keyOf(i, iommu)));
  const missingKeys = missing.map((i) => keyOf(i, iommu)).join('\n');
  const missingRef = useRef(missing);
  missingRef.current = missing;

  useEffect(() => {
    const todo = missingRef.current;
    if (todo.length === 0) return;
    let live = true;
    let finished = false;
    const keys = todo.map((i) => keyOf(i, iommu));
    reader
      .read(todo, iommu, (at, lines, fraction) => {
        const k = keys[at];
        if (live && k !== undefined) setProgress((m) => new Map(m).set(k, { lines, fraction }));
      })
      .then(
        (parsed) => {
          finished = true;
          if (!live) return;
          setRead((m) => {
            const next = new Map(m);
            parsed.forEach((p, i) => next.set(keys[i] as string, p));
            return next;
          });
        },
        (e: unknown) => {
          finished = true;
          if (!live || e instanceof CancelledError) return;
          const error = `could not be read: ${e instanceof Error ? e.message : String(e)}`;
          setRead((m) => {
            const next = new Map(m);
            todo.forEach((input, i) =>
              next.set(keys[i] as string, {
                input,
                detected: undefined,
                kind: input.kind,
                result: undefined,
                error,
              }),
            );
            return next;
          });
        },
      );
    return () => {
      live = false;
      // Only a read still running is stopped: ending the worker also drops what it read, which
      // building the import reuses.
      if (!finished) reader.cancel();
    };
  }, [missingKeys, iommu, reader]);

  const parsed = useMemo(
    () =>
      inputs.flatMap((i) => {
        const p = onPage.get(i.id) ?? read.get(keyOf(i, iommu));
        return p ? [p] : [];
      }),
    [inputs, iommu, onPage, read],
  );
  const reading = missing.map((input) => ({
    input,
    ...(progress.get(keyOf(input, iommu)) ?? { lines: 0, fraction: 0 }),
  }));
  return { parsed, reading };
}
