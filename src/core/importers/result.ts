import type {
  HostFacts,
  ImportResult,
  InputKind,
  PartialScenario,
  PlacedEvent,
  UnparsedLine,
} from './types.ts';

/** Builds an ImportResult, adding a note when unparsed lines were dropped from a huge input. */
export function makeResult(
  kind: InputKind,
  scenario: PartialScenario,
  unparsed: readonly UnparsedLine[],
  notes: readonly string[],
  extra: { events?: readonly PlacedEvent[]; host?: HostFacts; dropped?: number } & Partial<
    Pick<ImportResult, 'iomem' | 'stepLines'>
  > = {},
): ImportResult {
  const allNotes = [...notes];
  if (extra.dropped) allNotes.push(`${extra.dropped} more unparsed line(s) were not listed`);
  return {
    kind,
    scenario,
    unparsed,
    notes: allNotes,
    events: extra.events ?? [],
    ...(extra.iomem ? { iomem: extra.iomem } : {}),
    ...(extra.stepLines ? { stepLines: extra.stepLines } : {}),
    ...(extra.host ? { host: extra.host } : {}),
  };
}
