/**
 * Steps as columns of typed arrays, to cross from a worker to the page: a trace of a million
 * MAP_DMA / UNMAP_DMA steps is six 32-bit words and three bytes a step, whose buffers are
 * transferred (moved, not copied) and read back one step at a time as the page applies them.
 * Posting the step objects instead would have the page deserialise all of them in one task
 * before the first is applied (structured clone has no lazy read), and hex strings would cost a
 * string each on both sides and a BigInt parse; a 64-bit value is two u32 words, and below 2^53
 * (every IOVA, size and user address a trace holds in practice) it is read back as one double
 * into BigInt(), the cheap conversion. Steps of any other shape (container setup, a step with
 * `as` or `expect`) are kept whole in `others`, in order. Pure: no I/O.
 */

export type DmaOp = 'vfio.map_dma' | 'vfio.unmap_dma';

/** What DMA steps share: a handful of these cover a whole trace. */
export interface DmaShape {
  readonly op: DmaOp;
  readonly container: string | number;
  readonly flags: readonly string[];
  readonly vaddr: boolean;
}

/** A DMA step as the columns hold it: exactly these fields (vaddr only on a map). */
export interface DmaStep {
  readonly op: DmaOp;
  readonly container: string | number;
  readonly iova: bigint;
  readonly size: bigint;
  readonly flags: readonly string[];
  readonly vaddr?: bigint;
}

export interface StepColumns<T> {
  readonly count: number;
  /** Per step: 0 kept whole in `others`, else 1 + its index in `shapes`. */
  readonly shape: Uint16Array;
  /** The writer's bits per step (which lists a step belongs to). */
  readonly tag: Uint8Array;
  /** Per step: a number of the writer's (the trace line). */
  readonly line: Uint32Array;
  /** Per DMA step: iova, size, vaddr, each high then low 32 bits. */
  readonly words: Uint32Array;
  readonly shapes: readonly DmaShape[];
  readonly others: readonly T[];
}

const TWO32 = 2 ** 32;
const MAX_SHAPES = 0xffff;
const DMA_KEYS = new Set(['op', 'container', 'iova', 'size', 'flags', 'vaddr']);

/** The step as a DmaStep when it has exactly that shape; undefined otherwise (kept whole). */
function asDma(step: unknown): DmaStep | undefined {
  const s = step as Record<string, unknown>;
  if (s['op'] !== 'vfio.map_dma' && s['op'] !== 'vfio.unmap_dma') return undefined;
  const c = s['container'];
  if (typeof c !== 'string' && typeof c !== 'number') return undefined;
  if (typeof s['iova'] !== 'bigint' || typeof s['size'] !== 'bigint') return undefined;
  const f = s['flags'];
  if (!Array.isArray(f) || !f.every((x) => typeof x === 'string')) return undefined;
  if ('vaddr' in s && typeof s['vaddr'] !== 'bigint') return undefined;
  for (const k in s) if (!DMA_KEYS.has(k)) return undefined;
  return step as DmaStep;
}

function sameShape(sh: DmaShape, s: DmaStep, vaddr: boolean): boolean {
  if (sh.op !== s.op || sh.container !== s.container || sh.vaddr !== vaddr) return false;
  if (sh.flags.length !== s.flags.length) return false;
  for (let i = 0; i < sh.flags.length; i++) if (sh.flags[i] !== s.flags[i]) return false;
  return true;
}

function fits64(v: bigint): boolean {
  return v >= 0n && v < 1n << 64n;
}

/** Builds columns step by step; `finish` hands them over with their buffers trimmed. */
export class StepColumnsWriter<T> {
  private n = 0;
  private shape = new Uint16Array(1024);
  private tag = new Uint8Array(1024);
  private line = new Uint32Array(1024);
  private words = new Uint32Array(6 * 1024);
  private readonly shapes: DmaShape[] = [];
  private lastShape = 0;
  private readonly others: T[] = [];

  push(step: T, tag = 0, line = 0): void {
    if (this.n === this.shape.length) this.grow();
    const i = this.n++;
    this.tag[i] = tag;
    this.line[i] = line;
    const dma = asDma(step);
    const id = dma && this.shapeOf(dma);
    if (!dma || id === undefined) {
      this.shape[i] = 0;
      this.others.push(step);
      return;
    }
    this.shape[i] = id + 1;
    this.put(6 * i, dma.iova);
    this.put(6 * i + 2, dma.size);
    this.put(6 * i + 4, dma.vaddr ?? 0n);
  }

  finish(): StepColumns<T> {
    const n = this.n;
    return {
      count: n,
      shape: this.shape.slice(0, n),
      tag: this.tag.slice(0, n),
      line: this.line.slice(0, n),
      words: this.words.slice(0, 6 * n),
      shapes: this.shapes,
      others: this.others,
    };
  }

  private shapeOf(s: DmaStep): number | undefined {
    if (!fits64(s.iova) || !fits64(s.size) || (s.vaddr !== undefined && !fits64(s.vaddr)))
      return undefined;
    const vaddr = s.vaddr !== undefined;
    // A trace has a handful of shapes, most steps the last one's: compared field by field, no
    // key string per step.
    const last = this.shapes[this.lastShape];
    if (last && sameShape(last, s, vaddr)) return this.lastShape;
    let id = this.shapes.findIndex((sh) => sameShape(sh, s, vaddr));
    if (id < 0) {
      if (this.shapes.length === MAX_SHAPES) return undefined;
      id = this.shapes.length;
      this.shapes.push({ op: s.op, container: s.container, flags: [...s.flags], vaddr });
    }
    this.lastShape = id;
    return id;
  }

  private put(at: number, v: bigint): void {
    if (v < 2n ** 53n) {
      const x = Number(v);
      this.words[at] = Math.floor(x / TWO32);
      this.words[at + 1] = x % TWO32;
    } else {
      this.words[at] = Number(v >> 32n);
      this.words[at + 1] = Number(v & 0xffffffffn);
    }
  }

  private grow(): void {
    const more = <A extends Uint8Array | Uint16Array | Uint32Array>(
      a: A,
      make: (n: number) => A,
    ) => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.shape = more(this.shape, (k) => new Uint16Array(k));
    this.tag = more(this.tag, (k) => new Uint8Array(k));
    this.line = more(this.line, (k) => new Uint32Array(k));
    this.words = more(this.words, (k) => new Uint32Array(k));
  }
}

function word64(words: Uint32Array, at: number): bigint {
  const hi = words[at] as number;
  const lo = words[at + 1] as number;
  // Below 2^53 the two words are one exact double: one BigInt() instead of two and a shift.
  return hi < 0x200000 ? BigInt(hi * TWO32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Reads the columns back in order: `next()` gives the next step (a new object for a DMA step,
 * with its own flags array; the kept object for another), and `tag` / `line` are the step's.
 */
export class StepColumnsReader<T> {
  private i = 0;
  private other = 0;
  tag = 0;
  line = 0;
  constructor(readonly columns: StepColumns<T>) {}

  get done(): boolean {
    return this.i >= this.columns.count;
  }

  /** How many steps were read so far. */
  get read(): number {
    return this.i;
  }

  next(): T | DmaStep {
    const c = this.columns;
    const i = this.i++;
    this.tag = c.tag[i] as number;
    this.line = c.line[i] as number;
    const id = c.shape[i] as number;
    if (id === 0) return c.others[this.other++] as T;
    const sh = c.shapes[id - 1] as DmaShape;
    const iova = word64(c.words, 6 * i);
    const size = word64(c.words, 6 * i + 2);
    return sh.vaddr
      ? {
          op: sh.op,
          container: sh.container,
          iova,
          size,
          flags: [...sh.flags],
          vaddr: word64(c.words, 6 * i + 4),
        }
      : { op: sh.op, container: sh.container, iova, size, flags: [...sh.flags] };
  }
}

/** The buffers to transfer with the columns (they are unusable on the sending side after). */
export function columnBuffers(c: StepColumns<unknown>): ArrayBuffer[] {
  return [c.shape.buffer, c.tag.buffer, c.line.buffer, c.words.buffer] as ArrayBuffer[];
}
