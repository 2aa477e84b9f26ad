import { type Range, U64_MAX as U64_MAX_VALUE } from '../../core/u64.ts';
import type { Palette } from '../../view/theme/palette.ts';
import { aggregateMappings, BUCKET_CAP } from '../../view/map/aggregate.ts';
import type { SelectionRange } from '../../store/selection.ts';
import type { SummaryCache } from '../../view/map/summary-cache.ts';
import type { LaneRow, LaneSpan } from '../../view/map/lanes.ts';
import { outsideAperture } from '../../view/map/aperture.ts';
import type { FootprintMark } from '../../view/map/footprint-marks.ts';
import type { LaneCursor } from '../../view/map/lane-cursor.ts';
import { type MapSegment, segmentPx } from '../../view/map/segments.ts';

/** The part of CanvasRenderingContext2D the map uses; tests pass a recording fake. */
export type DrawContext = Pick<
  CanvasRenderingContext2D,
  | 'fillStyle'
  | 'strokeStyle'
  | 'font'
  | 'textBaseline'
  | 'lineWidth'
  | 'fillRect'
  | 'strokeRect'
  | 'clearRect'
  | 'fillText'
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'rect'
  | 'clip'
>;

/** The selection's lane and range (selection-range.ts). */
export type MapSelection = SelectionRange;

/** A range marked across every lane: the focused finding, or a pasted error/fault line. */
export interface MapMark extends Range {
  readonly kind: 'focus' | 'event';
  readonly label: string;
}

export interface DrawInput {
  readonly rows: readonly LaneRow[];
  readonly segments: readonly MapSegment[];
  readonly width: number;
  readonly height: number;
  readonly palette: Palette;
  readonly selection?: MapSelection | undefined;
  readonly marks?: readonly MapMark[] | undefined;
  /** At most this many mark labels are drawn (they stack upwards from the bottom edge). */
  readonly maxMarkLabels?: number | undefined;
  /** Drawing summaries of large mapping trees; without them every tree is walked. */
  readonly summaries?: SummaryCache | undefined;
  /** The form's would-be action and a failed run's place (footprint-marks.ts). */
  readonly footprints?: readonly FootprintMark[] | undefined;
  /** The keyboard's object (lane-cursor.ts), ringed. */
  readonly cursor?: LaneCursor | undefined;
}

export interface DrawStats {
  /** fillRect calls for spans and mapping bars (the number that must stay bounded by pixels). */
  rects: number;
  /** Bars standing for more than one mapping. */
  aggregated: number;
  labels: number;
  /** Mapping lanes drawn from their summary, and those still walked while it is built. */
  summarised: number;
  summaryPending: number;
}

/** Labels go only on rectangles at least this wide (style-anchors §2b: 5 px for any text). */
const MIN_LABEL_PX = 44;
const LABEL_CHAR_PX = 6.2;
/** Rectangles are clamped to the segment plus this margin before drawing (float32 jitter). */
const OFFSCREEN_MARGIN_PX = 4;

function fitLabel(text: string, px: number): string | undefined {
  const chars = Math.floor((px - 6) / LABEL_CHAR_PX);
  if (chars < 3) return undefined;
  return text.length <= chars ? text : text.slice(0, chars - 1) + '…';
}

/** Span → clamped pixel extent in a segment, or undefined when it is off the segment. */
function spanExtent(seg: MapSegment, r: Range): { x0: number; x1: number } | undefined {
  if (r.last < seg.start || r.start > seg.last) return undefined;
  const s = r.start > seg.start ? r.start : seg.start;
  const l = r.last < seg.last ? r.last : seg.last;
  let x0 = segmentPx(seg, s);
  let x1 = segmentPx(seg, l + 1n);
  x0 = Math.max(x0, seg.x - OFFSCREEN_MARGIN_PX);
  x1 = Math.min(x1, seg.x + seg.width + OFFSCREEN_MARGIN_PX);
  if (x1 - x0 < 1) x1 = x0 + 1; // never thinner than a pixel: a 4 KiB hole stays visible at 2^64
  return { x0, x1 };
}

type MapLabel = { text: string; x: number; y: number; color: string; bg?: string };

/** The width of a character of the 11 px monospace labels, for their backing box. */
const LABEL_BOX_CHAR_PX = 6.7;

/**
 * A lane's space outside its aperture shaded, and a line where the aperture ends with the label
 * "dmar0: 48-bit aperture ends at 0xffff_ffff_ffff" beside it (left of the line when there is room,
 * so it reads against the usable side). Returns the rectangles filled.
 */
function drawAperture(
  ctx: DrawContext,
  seg: MapSegment,
  row: LaneRow,
  palette: Palette,
  labels: MapLabel[],
  labelled: Set<string>,
): number {
  const a = row.lane.aperture;
  if (!a) return 0;
  let rects = 0;
  ctx.fillStyle = palette.outsideAperture;
  for (const r of outsideAperture(a)) {
    const ext = spanExtent(seg, r);
    if (!ext) continue;
    ctx.fillRect(ext.x0, row.y, ext.x1 - ext.x0, row.height);
    rects++;
  }
  if (a.last === U64_MAX_VALUE || a.last < seg.start || a.last >= seg.last) return rects;
  // The end is the first byte past the aperture: a vertical line there.
  const x = segmentPx(seg, a.last + 1n);
  ctx.fillStyle = palette.apertureEdge;
  ctx.fillRect(x - 1, row.y, 2, row.height);
  rects++;
  if (!labelled.has(row.lane.id)) {
    labelled.add(row.lane.id);
    const w = a.label.length * LABEL_BOX_CHAR_PX;
    const left = x - seg.x > w + 8;
    labels.push({
      text: a.label,
      x: left ? x - w - 4 : Math.min(x + 5, seg.x + seg.width - w),
      y: row.y + row.height / 2,
      color: palette.apertureEdge,
      bg: palette.background,
    });
  }
  return rects;
}

/** A footprint's extent, widened to 3 px so a 4 KiB ghost stays visible at any zoom. */
function visibleExtent(seg: MapSegment, r: Range): { x0: number; x1: number } | undefined {
  const ext = spanExtent(seg, r);
  if (!ext || ext.x1 - ext.x0 >= 3) return ext;
  const mid = (ext.x0 + ext.x1) / 2;
  return { x0: mid - 1.5, x1: mid + 1.5 };
}

/**
 * The ghost of the form's action (blue, or red when the dry run refuses it) or a failed run's
 * mark (a red band with red edges) over one lane row, with what is in the way outlined; the label
 * goes on the first lane only. Returns the rectangles filled.
 */
function drawFootprint(
  ctx: DrawContext,
  seg: MapSegment,
  row: LaneRow,
  f: FootprintMark,
  palette: Palette,
  labels: MapLabel[],
  labelHere: boolean,
): number {
  const ext = visibleExtent(seg, f.range);
  if (!ext) return 0;
  const refused = f.style !== 'ghost';
  const edge = refused ? palette.refusedEdge : palette.ghostEdge;
  ctx.fillStyle = refused ? palette.refused : palette.ghost;
  ctx.fillRect(ext.x0, row.y, ext.x1 - ext.x0, row.height);
  ctx.strokeStyle = edge;
  ctx.lineWidth = f.style === 'failed' ? 2 : 1.5;
  ctx.strokeRect(ext.x0, row.y + 1, ext.x1 - ext.x0, row.height - 2);
  let rects = 1;
  for (const o of f.outlined) {
    const oe = visibleExtent(seg, o);
    if (!oe) continue;
    ctx.lineWidth = 2;
    ctx.strokeRect(oe.x0 - 1, row.y + 3, oe.x1 - oe.x0 + 2, row.height - 6);
    rects++;
  }
  if (labelHere) {
    const w = f.label.length * LABEL_BOX_CHAR_PX;
    const right = ext.x1 + 4 + w <= seg.x + seg.width;
    labels.push({
      text: f.label,
      x: right ? ext.x1 + 4 : Math.max(seg.x + 2, ext.x0 - w - 4),
      y: row.y + row.height / 2,
      color: edge,
      bg: palette.background,
    });
  }
  return rects;
}

export function drawMap(ctx: DrawContext, input: DrawInput): DrawStats {
  const {
    rows,
    segments,
    width,
    height,
    palette,
    selection,
    marks,
    maxMarkLabels = Infinity,
    summaries,
    footprints = [],
    cursor,
  } = input;
  const stats: DrawStats = {
    rects: 0,
    aggregated: 0,
    labels: 0,
    summarised: 0,
    summaryPending: 0,
  };
  // The background is opaque: filling it is the clear (a clearRect first costs a second pass).
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, width, height);
  ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
  ctx.textBaseline = 'middle';

  for (const row of rows) {
    ctx.fillStyle = row.lane.nested ? palette.laneBandNested : palette.laneBand;
    ctx.fillRect(0, row.y, width, row.height);
  }

  // Folded gaps between the segments of the compressed view.
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1] as MapSegment;
    const seg = segments[i] as MapSegment;
    const gapX = prev.x + prev.width;
    if (seg.x - gapX >= 1) {
      ctx.fillStyle = palette.fold;
      ctx.fillRect(gapX + (seg.x - gapX) / 2 - 0.5, 0, 1, height);
    }
  }

  const labels: MapLabel[] = [];
  /** Lanes whose aperture end has its label already (one per lane, in the first segment showing it). */
  const apertureLabelled = new Set<string>();

  for (const seg of segments) {
    // A container and its domains share one mapping tree: aggregate it once per segment.
    const barsOf = new Map<unknown, ReturnType<typeof aggregateMappings>>();
    const clipped = segments.length > 1;
    if (clipped) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(seg.x, 0, seg.width, height);
      ctx.clip();
    }
    for (const row of rows) {
      const { lane } = row;
      const pad = lane.nested ? 3 : 4;
      const top = row.y + pad;
      const h = row.height - 2 * pad;
      for (const span of lane.background) {
        const ext = spanExtent(seg, span);
        if (!ext) continue;
        ctx.fillStyle = palette.spans[span.kind];
        ctx.fillRect(ext.x0, row.y, ext.x1 - ext.x0, row.height);
        stats.rects++;
      }
      if (lane.aperture) {
        stats.rects += drawAperture(ctx, seg, row, palette, labels, apertureLabelled);
      }
      let lastColor = '';
      for (const span of lane.spans as readonly LaneSpan[]) {
        const ext = spanExtent(seg, span);
        if (!ext) continue;
        const color = palette.spans[span.kind];
        if (color !== lastColor) {
          ctx.fillStyle = color;
          lastColor = color;
        }
        ctx.fillRect(ext.x0, top, ext.x1 - ext.x0, h);
        stats.rects++;
        const text =
          ext.x1 - ext.x0 >= MIN_LABEL_PX ? fitLabel(span.label, ext.x1 - ext.x0) : undefined;
        if (text) labels.push({ text, x: ext.x0 + 3, y: top + h / 2, color: '#0b1020' });
      }
      if (lane.mappings && lane.mappings.size > 0) {
        const mh = lane.nested ? h : h - 6;
        const mt = lane.nested ? top : top + 3;
        let bars = barsOf.get(lane.mappings);
        if (!bars) {
          const summary = summaries?.get(lane.id, lane.mappings);
          if (summary) stats.summarised++;
          else if (summaries?.isBuilding(lane.mappings)) stats.summaryPending++;
          bars = aggregateMappings(lane.mappings, seg, BUCKET_CAP, summary);
          barsOf.set(lane.mappings, bars);
        }
        for (const bar of bars) {
          const x0 = Math.max(bar.x0, seg.x - OFFSCREEN_MARGIN_PX);
          const x1 = Math.min(
            Math.max(bar.x1, bar.x0 + 1),
            seg.x + seg.width + OFFSCREEN_MARGIN_PX,
          );
          const aggregated = bar.count > 1;
          ctx.fillStyle = aggregated ? palette.aggregate : palette.mapping;
          ctx.fillRect(x0, mt, x1 - x0, mh);
          stats.rects++;
          if (aggregated) stats.aggregated++;
          if (x1 - x0 >= 6 && !aggregated) {
            ctx.fillStyle = palette.mappingEdge;
            ctx.fillRect(x0, mt, 1, mh);
          }
          const name = aggregated ? `${bar.count}${bar.capped ? '+' : ''} maps` : 'mapped';
          const text = x1 - x0 >= MIN_LABEL_PX ? fitLabel(name, x1 - x0) : undefined;
          if (text) labels.push({ text, x: x0 + 4, y: mt + mh / 2, color: '#ffffff' });
        }
      }
      for (const f of footprints)
        if (f.laneIds.includes(lane.id))
          stats.rects += drawFootprint(ctx, seg, row, f, palette, labels, f.laneIds[0] === lane.id);
      if (cursor && cursor.laneId === lane.id) {
        const ext = visibleExtent(seg, cursor);
        if (ext) {
          // Two rings, dark and light, so the cursor shows on any fill.
          ctx.lineWidth = 2;
          ctx.strokeStyle = palette.background;
          ctx.strokeRect(ext.x0 - 3, row.y - 1, ext.x1 - ext.x0 + 6, row.height + 2);
          ctx.strokeStyle = palette.text;
          ctx.strokeRect(ext.x0 - 5, row.y - 3, ext.x1 - ext.x0 + 10, row.height + 6);
        }
      }
      if (selection && selection.laneId === lane.id) {
        const ext = spanExtent(seg, selection);
        if (ext) {
          ctx.strokeStyle = palette.selection;
          ctx.lineWidth = 2;
          ctx.strokeRect(ext.x0 - 1, row.y + 1, ext.x1 - ext.x0 + 2, row.height - 2);
        }
      }
    }
    if (clipped) ctx.restore();
  }

  // Marks over the lanes: a translucent band with solid edges (at least 3 px, so a 4 KiB fault
  // page stays visible at any zoom) and its label at the top.
  let labelRow = 0;
  for (const mark of marks ?? []) {
    let labelled = false;
    for (const seg of segments) {
      const ext = spanExtent(seg, mark);
      if (!ext) continue;
      let { x0, x1 } = ext;
      if (x1 - x0 < 3) {
        const mid = (x0 + x1) / 2;
        x0 = mid - 1.5;
        x1 = mid + 1.5;
      }
      const color = mark.kind === 'focus' ? palette.focusMark : palette.eventMark;
      ctx.fillStyle = mark.kind === 'focus' ? palette.focusBand : palette.eventBand;
      ctx.fillRect(x0, 0, x1 - x0, height);
      ctx.fillStyle = color;
      ctx.fillRect(x0, 0, 1.5, height);
      ctx.fillRect(x1 - 1.5, 0, 1.5, height);
      // One label per mark, stacked upwards from the bottom edge so that marks do not overprint.
      const text =
        labelled || labelRow >= maxMarkLabels
          ? undefined
          : fitLabel(mark.label, Math.max(220, x1 - x0));
      if (text) {
        labels.push({
          text,
          x: Math.max(2, Math.min(x0 + 3, width - 220)),
          y: height - 8 - 14 * labelRow,
          color,
          bg: palette.background,
        });
        labelled = true;
        labelRow++;
      }
    }
  }

  // Text last, over every rectangle (one pass, as Perfetto does).
  for (const l of labels) {
    if (l.bg) {
      ctx.fillStyle = l.bg;
      ctx.fillRect(l.x - 2, l.y - 7, l.text.length * LABEL_BOX_CHAR_PX + 4, 14);
    }
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, l.x, l.y);
    stats.labels++;
  }
  return stats;
}
