import type { UnitChoice } from './infer-units.ts';
import { mergeImports } from './merge.ts';
import { ioasMapReturnNote, traceNotes, traceSetupSteps } from './qemu-trace.ts';
import { makeResult } from './result.ts';
import { UnparsedLog } from './text.ts';
import type { ImportedStep, ImportResult, PastePiece } from './types.ts';

/**
 * The fast reader of a QEMU trace file as QEMU wrote it: one scan of the text, no regex and no
 * string per line. Every line must be empty or exactly one of these events, after the log
 * backend's optional `pid@sec.usec:`:
 *
 *   vfio_listener_region_add_ram region_add [ram] 0xSTART - 0xEND [0xVADDR | (nil)]
 *   vfio_listener_region_del region_del 0xSTART - 0xEND
 *   vfio_listener_region_add_skip SKIPPING region_add 0xSTART - 0xEND  (region_skip, region_del)
 *   iommufd_backend_map_dma  iommufd=N ioas=N iova=0xI size=0xS addr=0xA readonly=B (RET)
 *   iommufd_backend_map_file_dma  iommufd=N ioas=N iova=0xI size=0xS fd=N start=N readonly=B (RET)
 *   iommufd_backend_unmap_dma  iommufd=N ioas=N iova=0xI size=0xS (RET)
 *
 * For such a text it returns what `importText` returns, field for field (the paste reader's
 * cleaning, cutting and remapping change nothing on these lines; the tests compare both readers
 * on every shape). Any other line (another event, a `\r`, spaces at either end, a blank line that
 * is not empty, a hex number of more than 16 digits) and it returns undefined: the caller reads
 * the text with the general reader, which knows everything else. The general reader costs
 * ~6 µs a line, so a million-line trace held it for seconds.
 */

export interface StrictTraceOptions {
  /** The group whose container the steps replay into: the container setup is added for it. */
  readonly group?: number | undefined;
  /** Read as `kind: 'qemu-trace'`: the piece is the whole text, not the first to the last line. */
  readonly wholeText?: boolean | undefined;
  readonly iommu?: UnitChoice | undefined;
  /** Called every 32k lines with the lines read so far and the fraction of the text read. */
  readonly onLines?: ((lines: number, fraction: number) => void) | undefined;
}

const PROGRESS_EVERY = 1 << 15;
/** Below 2^53 a hex number is exact as a double, and BigInt(double) is the cheap conversion. */
const EXACT = 2 ** 53;

/** A cursor over one line of the text; numbers read land in `num` (or `wide`, from 2^53). */
class LineScanner {
  lineStart = 0;
  pos = 0;
  end = 0;
  num = 0;
  wide: bigint | undefined;
  numStart = 0;
  /** The last range read (readRange). */
  start = 0n;
  size: bigint | undefined;
  startText = '';
  constructor(readonly text: string) {}

  lit(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return this.pos <= this.end;
  }

  /** One or more spaces (the importer's `\s+` between an event's name and its arguments). */
  spaces(): boolean {
    const p = this.pos;
    while (this.pos < this.end && this.text.charCodeAt(this.pos) === 32) this.pos++;
    return this.pos > p;
  }

  decimal(signed = false): boolean {
    const p = this.pos;
    if (signed && this.text.charCodeAt(this.pos) === 45) this.pos++;
    const q = this.pos;
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      if (c < 48 || c > 57) break;
      this.pos++;
    }
    if (this.pos > q) return true;
    this.pos = p;
    return false;
  }

  /** `0x` and 1-16 hex digits. */
  hex(): boolean {
    if (!this.lit('0x')) return false;
    const t = this.text;
    this.numStart = this.pos;
    let v = 0;
    while (this.pos < this.end) {
      const c = t.charCodeAt(this.pos);
      const d =
        c >= 48 && c <= 57
          ? c - 48
          : c >= 97 && c <= 102
            ? c - 87
            : c >= 65 && c <= 70
              ? c - 55
              : -1;
      if (d < 0) break;
      v = v * 16 + d;
      this.pos++;
    }
    const digits = this.pos - this.numStart;
    if (digits === 0 || digits > 16) return false;
    this.num = v;
    this.wide = v < EXACT ? undefined : BigInt(`0x${t.slice(this.numStart, this.pos)}`);
    return true;
  }

  /** The number just read, as printed (`0x...`). */
  hexText(): string {
    return this.text.slice(this.numStart - 2, this.pos);
  }

  value(): bigint {
    return this.wide ?? BigInt(this.num);
  }

  /** The whole line, as printed. */
  line(): string {
    return this.text.slice(this.lineStart, this.end);
  }

  atEnd(): boolean {
    return this.pos === this.end;
  }
}

/**
 * `0xSTART - 0xEND` into the scanner's `start`, `size` (undefined when the end is before the
 * start: the importer's bad range) and the two numbers as printed. Fields, not an object: a
 * million lines would make a million of them for the collector.
 */
function readRange(s: LineScanner): boolean {
  if (!s.hex()) return false;
  const a = s.num;
  const aWide = s.wide;
  s.startText = s.hexText();
  if (!s.lit(' - ') || !s.hex()) return false;
  if (aWide === undefined && s.wide === undefined) {
    s.start = BigInt(a);
    s.size = s.num < a ? undefined : BigInt(s.num - a + 1);
  } else {
    s.start = aWide ?? BigInt(a);
    const last = s.value();
    s.size = last < s.start ? undefined : last - s.start + 1n;
  }
  return true;
}

interface Read {
  readonly steps: ImportedStep[];
  readonly stepLines: number[];
  readonly notes: string[];
  readonly skipped: string[];
  readonly log: UnparsedLog;
}

/** One non-empty line at piece line `n` (absolute line `line`): false when it is not a strict line. */
function readLine(
  s: LineScanner,
  n: number,
  line: number,
  iommufdMode: boolean,
  out: Read,
): boolean {
  const c0 = s.text.charCodeAt(s.pos);
  if (c0 >= 48 && c0 <= 57) {
    // The log backend's `pid@sec.usec:`.
    if (!s.decimal() || !s.lit('@') || !s.decimal() || !s.lit('.') || !s.decimal()) return false;
    if (!s.lit(':')) return false;
  }
  if (s.lit('vfio_listener_region_')) {
    if (s.lit('add_ram')) {
      if (!s.spaces() || !s.lit('region_add [ram] ')) return false;
      if (!readRange(s) || !s.lit(' [')) return false;
      const { start, size } = s;
      let vaddr = 0n;
      if (!s.lit('(nil)')) {
        if (!s.hex()) return false;
        vaddr = s.value();
      }
      if (!s.lit(']') || !s.atEnd()) return false;
      // With iommufd's own map events in the trace, the listener's lines are not the DMA calls.
      if (iommufdMode) return true;
      if (size === undefined) {
        out.log.add(line, s.line(), 'bad region_add range');
        return true;
      }
      out.steps.push({
        op: 'vfio.map_dma',
        container: '$container',
        iova: start,
        size,
        flags: ['READ', 'WRITE'],
        vaddr,
      });
      out.stepLines.push(line);
      return true;
    }
    if (s.lit('del')) {
      if (!s.spaces() || !s.lit('region_del ')) return false;
      if (!readRange(s) || !s.atEnd()) return false;
      if (s.size === undefined) {
        out.log.add(line, s.line(), 'bad region_del range');
        return true;
      }
      out.steps.push({
        op: 'vfio.unmap_dma',
        container: '$container',
        iova: s.start,
        size: s.size,
        flags: [],
      });
      out.stepLines.push(line);
      return true;
    }
    if (s.lit('add_skip') || s.lit('skip')) {
      if (!s.spaces() || !s.lit('SKIPPING region_') || !(s.lit('add ') || s.lit('del ')))
        return false;
      if (!readRange(s) || !s.atEnd()) return false;
      out.skipped.push(`${s.startText}..${s.hexText()}`);
      return true;
    }
    return false;
  }
  if (!s.lit('iommufd_backend_')) return false;
  const unmap = s.lit('unmap_dma');
  if (!unmap && !s.lit('map_dma') && !s.lit('map_file_dma')) return false;
  if (!s.spaces() || !s.lit('iommufd=') || !s.decimal() || !s.lit(' ioas=') || !s.decimal())
    return false;
  if (!s.lit(' iova=') || !s.hex()) return false;
  const iova = s.value();
  const iovaText = s.hexText();
  if (!s.lit(' size=') || !s.hex()) return false;
  const size = s.value();
  const sizeText = s.hexText();
  let vaddr: bigint | undefined;
  let readonly = false;
  if (!unmap) {
    if (s.lit(' addr=')) {
      if (!s.hex()) return false;
      vaddr = s.value();
    }
    if (s.lit(' fd=') && !(s.decimal() && s.lit(' start=') && s.decimal())) return false;
    if (!s.lit(' readonly=')) return false;
    const b = s.text.charCodeAt(s.pos);
    if (s.pos >= s.end || b < 48 || b > 57) return false;
    readonly = b === 49;
    s.pos++;
  }
  let ret: string | undefined;
  if (!s.atEnd()) {
    if (!s.lit(' (')) return false;
    const from = s.pos;
    if (!s.decimal(true) || !s.lit(')') || !s.atEnd()) return false;
    ret = s.text.slice(from, s.pos - 1);
  }
  if (unmap) {
    out.steps.push({ op: 'vfio.unmap_dma', container: '$container', iova, size, flags: [] });
  } else {
    out.steps.push({
      op: 'vfio.map_dma',
      container: '$container',
      iova,
      size,
      flags: readonly ? ['READ'] : ['READ', 'WRITE'],
      ...(vaddr !== undefined ? { vaddr } : {}),
    });
    if (ret !== undefined && ret !== '0')
      out.notes.push(ioasMapReturnNote(n, iovaText, sizeText, ret));
  }
  out.stepLines.push(line);
  return true;
}

/**
 * Whether the text holds iommufd's own map events (the importer's `iommufd_backend_(map|unmap)`).
 * One search: in a strict trace every `iommufd_backend_` is one of them, and a text that is not
 * strict is not read here at all.
 */
function hasIommufdEvents(text: string): boolean {
  return text.includes('iommufd_backend_');
}

/**
 * Reads a strict QEMU trace as `importText(text, { kind?, group, iommu })` reads it; undefined
 * when a line is not strict (see above) or the text has no line at all.
 */
export function readStrictTrace(
  text: string,
  options: StrictTraceOptions = {},
): ImportResult | undefined {
  if (text.includes('\r')) return undefined;
  const iommufdMode = hasIommufdEvents(text);
  const s = new LineScanner(text);
  const out: Read = { steps: [], stepLines: [], notes: [], skipped: [], log: new UnparsedLog() };
  if (options.group !== undefined) {
    out.steps.push(...traceSetupSteps(options.group));
    out.stepLines.push(0, 0, 0);
  }
  const length = text.length;
  let at = 0;
  let line = 0;
  let first = -1;
  let last = -1;
  let nonEmpty = 0;
  while (at < length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = length;
    line++;
    if (nl > at) {
      if (first < 0) first = line;
      last = line;
      nonEmpty++;
      s.lineStart = at;
      s.pos = at;
      s.end = nl;
      const n = options.wholeText ? line : line - first + 1;
      if (!readLine(s, n, line, iommufdMode, out)) return undefined;
    }
    at = nl + 1;
    if ((line & (PROGRESS_EVERY - 1)) === 0) options.onLines?.(line, at / length);
  }
  if (first < 0) return undefined;
  options.onLines?.(line, 1);
  const piece = makeResult(
    'qemu-trace',
    { steps: out.steps },
    out.log.lines,
    traceNotes(out.notes, out.skipped, out.steps, options.group),
    { events: [], stepLines: out.stepLines, dropped: out.log.droppedCount },
  );
  const pieces: PastePiece[] = [
    {
      kind: 'qemu-trace',
      first: options.wholeText ? 1 : first,
      last: options.wholeText ? line : last,
      lines: nonEmpty,
      notes: piece.notes,
      unparsed: piece.unparsed.length,
      result: piece,
    },
  ];
  // Merged as the paste reader merges its one piece, but the steps are not copied into a second
  // array of a million entries: the merge of steps alone is the same steps.
  const merged = mergeImports([{ scenario: {}, events: piece.events }], options.iommu);
  return {
    kind: 'qemu-trace',
    pieces,
    scenario: { ...merged.scenario, steps: out.steps },
    unparsed: [...piece.unparsed],
    notes: [...piece.notes, ...merged.notes],
    events: merged.events,
    ...(out.steps.length ? { stepLines: out.stepLines } : {}),
    host: merged.host,
  };
}

/** Whether the text is a strict QEMU trace (what `detectKind` says of it without cutting it). */
export function isStrictTrace(text: string): boolean {
  return readStrictTrace(text) !== undefined;
}
