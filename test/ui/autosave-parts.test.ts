import { describe, expect, it } from 'vitest';
import {
  INLINE_CHARS,
  type KnownParts,
  partsOf,
  planWrite,
  resolveParts,
} from '../../src/store/autosave-parts.ts';
import type { WorkspaceToSave } from '../../src/store/autosave.ts';

const long = (c: string) => c.repeat(INLINE_CHARS + 1);

function workspace(over: Partial<WorkspaceToSave> = {}): WorkspaceToSave {
  return {
    version: 3,
    savedAt: '2026-12-02T00:00:00.000Z',
    scenarioText: '{"format":"x"}',
    builtinId: undefined,
    userStepsText: '{"steps":[]}',
    view: '0-ffff',
    ...over,
  };
}

/** The store after a planned write over `before` (key → value). */
function applied(before: Map<string, unknown>, key: string, plan: ReturnType<typeof planWrite>) {
  const after = new Map(before);
  for (const [k, v] of plan.puts) after.set(k, v);
  for (const k of plan.deletes) after.delete(k);
  after.set(key, structuredClone(plan.record));
  return after;
}

describe('the autosave record keeps long texts in parts of their own', () => {
  it('keeps short strings in the record and long ones (and Blobs) in parts', async () => {
    const blob = new Blob(['{"host":1}']);
    const plan = planWrite(
      'current',
      workspace({ userStepsText: long('s'), hostText: blob }),
      1,
      undefined,
      {},
    );
    expect(plan.record['scenarioText']).toBe('{"format":"x"}');
    expect(plan.record['userStepsText']).toEqual({
      part: 'part:current:userStepsText:1',
      bytes: INLINE_CHARS + 1,
    });
    expect(plan.record['hostText']).toEqual({ part: 'part:current:hostText:1', bytes: 10 });
    expect(plan.record['revision']).toBe(1);
    expect(plan.puts.map(([k]) => k)).toEqual([
      'part:current:userStepsText:1',
      'part:current:hostText:1',
    ]);
    expect(plan.puts[1]?.[1]).toBe(blob);
    expect(partsOf(plan.record)).toEqual([
      'part:current:userStepsText:1',
      'part:current:hostText:1',
    ]);
    const read = await resolveParts(structuredClone(plan.record), new Map(plan.puts));
    expect(read.problems).toEqual([]);
    expect(read.value).toMatchObject({ userStepsText: long('s'), hostText: '{"host":1}' });
  });

  it('a save with the same text keeps its part; a changed text gets a new part and the old one goes', () => {
    const host = new Blob(['{"host":1}']);
    const first = planWrite('current', workspace({ hostText: host }), 1, undefined, {});
    let db = applied(new Map(), 'current', first);

    // A view change: the same Blob, so nothing but the record is written.
    const second = planWrite(
      'current',
      workspace({ hostText: host, view: '0-1' }),
      2,
      db.get('current'),
      first.known,
    );
    expect(second.puts).toEqual([]);
    expect(second.deletes).toEqual([]);
    expect(second.record['hostText']).toEqual(first.record['hostText']);
    db = applied(db, 'current', second);

    // Another text: a new part, and the one nothing refers to is deleted in the same write.
    const other = new Blob(['{"host":2}']);
    const third = planWrite(
      'current',
      workspace({ hostText: other }),
      3,
      db.get('current'),
      second.known,
    );
    expect(third.puts.map(([k]) => k)).toEqual(['part:current:hostText:3']);
    expect(third.deletes).toEqual(['part:current:hostText:1']);
    db = applied(db, 'current', third);
    expect([...db.keys()].sort()).toEqual(['current', 'part:current:hostText:3']);

    // A text that became short again leaves its part behind it.
    const fourth = planWrite('current', workspace(), 4, db.get('current'), third.known);
    expect(fourth.deletes).toEqual(['part:current:hostText:3']);
    expect(applied(db, 'current', fourth).size).toBe(1);
  });

  it('does not trust what it knows of a record another tab has replaced since', () => {
    const host = new Blob(['{"host":1}']);
    const mine = planWrite('current', workspace({ hostText: host }), 1, undefined, {});
    // The stored record (written elsewhere) refers to parts of its own, not to this tab's.
    const theirs = planWrite(
      'current',
      workspace({ hostText: new Blob(['{"x":0}']) }),
      7,
      undefined,
      {},
    );
    const next = planWrite(
      'current',
      workspace({ hostText: host }),
      8,
      structuredClone(theirs.record),
      mine.known,
    );
    expect(next.puts.map(([k]) => k)).toEqual(['part:current:hostText:8']);
    expect(next.deletes).toEqual(['part:current:hostText:7']);
  });

  it('a part that is missing or cut short makes the record unreadable, with the field named', async () => {
    const plan = planWrite('current', workspace({ scenarioText: long('x') }), 1, undefined, {});
    const record = structuredClone(plan.record);
    expect((await resolveParts(record, new Map())).problems).toEqual([
      'its "scenarioText" (kept as "part:current:scenarioText:1") is missing',
    ]);
    const cut = new Map([['part:current:scenarioText:1', new Blob(['x'])]]);
    expect((await resolveParts(record, cut)).problems).toEqual([
      `its "scenarioText" has 1 bytes, not the ${INLINE_CHARS + 1} it was saved with`,
    ]);
    const known: KnownParts = (await resolveParts(record, new Map(plan.puts))).known;
    expect(known.scenarioText?.ref).toEqual(plan.record['scenarioText']);
  });
});
