import type { SpanKind } from '../map/lanes.ts';

/**
 * Colours the canvas draws with. Kept in TypeScript (not only CSS) because the canvas needs them
 * as values; the CSS theme variables use the same hues.
 */
export type ThemeName = 'dark' | 'light';

export interface Palette {
  readonly background: string;
  readonly laneBand: string;
  readonly laneBandNested: string;
  readonly text: string;
  readonly mutedText: string;
  readonly grid: string;
  readonly mapping: string;
  readonly mappingEdge: string;
  readonly aggregate: string;
  readonly selection: string;
  readonly hover: string;
  readonly fold: string;
  readonly focusMark: string;
  readonly focusBand: string;
  readonly eventMark: string;
  readonly eventBand: string;
  /** Over a lane's space outside its aperture: no DMA through this IOMMU can reach it. */
  readonly outsideAperture: string;
  /** The line where a lane's aperture ends, and its label. */
  readonly apertureEdge: string;
  /** The would-be mapping of the form being filled: fill and edge. */
  readonly ghost: string;
  readonly ghostEdge: string;
  /** A refused action (dry run or run): fill, edge and the outline of what is in the way. */
  readonly refused: string;
  readonly refusedEdge: string;
  readonly spans: Readonly<Record<SpanKind, string>>;
}

const SPANS_DARK: Record<SpanKind, string> = {
  direct: '#f59e0b',
  'direct-relaxable': '#fcd34d',
  reserved: '#ef4444',
  msi: '#e879f9',
  'sw-msi': '#a78bfa',
  aperture: 'rgba(148, 163, 184, 0.22)',
  test: '#fb7185',
  valid: 'rgba(34, 197, 94, 0.16)',
  'guest-ram': '#2dd4bf',
  'guest-other': '#64748b',
  window: '#facc15',
};

const SPANS_LIGHT: Record<SpanKind, string> = {
  direct: '#d97706',
  'direct-relaxable': '#ca8a04',
  reserved: '#dc2626',
  msi: '#c026d3',
  'sw-msi': '#7c3aed',
  aperture: 'rgba(100, 116, 139, 0.20)',
  test: '#e11d48',
  valid: 'rgba(22, 163, 74, 0.14)',
  'guest-ram': '#0d9488',
  'guest-other': '#94a3b8',
  window: '#eab308',
};

export const PALETTES: Readonly<Record<ThemeName, Palette>> = {
  dark: {
    background: '#0f172a',
    laneBand: '#162033',
    laneBandNested: '#131c2d',
    text: '#e2e8f0',
    mutedText: '#94a3b8',
    grid: 'rgba(148, 163, 184, 0.18)',
    mapping: '#3b82f6',
    mappingEdge: '#93c5fd',
    aggregate: '#6366f1',
    selection: '#fde047',
    hover: 'rgba(255, 255, 255, 0.35)',
    fold: '#475569',
    focusMark: '#fde047',
    focusBand: 'rgba(253, 224, 71, 0.13)',
    eventMark: '#fb7185',
    eventBand: 'rgba(251, 113, 133, 0.16)',
    outsideAperture: 'rgba(2, 6, 23, 0.55)',
    apertureEdge: '#f97316',
    ghost: 'rgba(56, 189, 248, 0.40)',
    ghostEdge: '#7dd3fc',
    refused: 'rgba(239, 68, 68, 0.5)',
    refusedEdge: '#f87171',
    spans: SPANS_DARK,
  },
  light: {
    background: '#ffffff',
    laneBand: '#f1f5f9',
    laneBandNested: '#f8fafc',
    text: '#0f172a',
    mutedText: '#475569',
    grid: 'rgba(71, 85, 105, 0.18)',
    mapping: '#2563eb',
    mappingEdge: '#1e3a8a',
    aggregate: '#4f46e5',
    selection: '#ca8a04',
    hover: 'rgba(15, 23, 42, 0.25)',
    fold: '#94a3b8',
    focusMark: '#a16207',
    focusBand: 'rgba(202, 138, 4, 0.14)',
    eventMark: '#e11d48',
    eventBand: 'rgba(225, 29, 72, 0.12)',
    outsideAperture: 'rgba(100, 116, 139, 0.28)',
    apertureEdge: '#c2410c',
    ghost: 'rgba(14, 165, 233, 0.35)',
    ghostEdge: '#0369a1',
    refused: 'rgba(220, 38, 38, 0.5)',
    refusedEdge: '#b91c1c',
    spans: SPANS_LIGHT,
  },
};

/** One colour per IOMMU group, the same in the topology panel and the group lanes. */
const GROUP_HUES = [210, 140, 30, 280, 0, 180, 60, 320, 100, 250];

export function groupColor(group: number, theme: ThemeName): string {
  const hue = GROUP_HUES[Math.abs(group) % GROUP_HUES.length] as number;
  return theme === 'dark' ? `hsl(${hue} 70% 62%)` : `hsl(${hue} 65% 38%)`;
}
