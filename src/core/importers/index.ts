import { importBundle } from './bundle.ts';
import { importDmesg } from './dmesg.ts';
import { importErrorLines } from './error-lines.ts';
import { importGroups } from './groups.ts';
import { importIomem } from './iomem.ts';
import { importLspciTv } from './lspci-tv.ts';
import { importLspciVmm } from './lspci-vmm.ts';
import { importLspciVvv } from './lspci-vvv.ts';
import { importMtree } from './mtree.ts';
import { importQemuTrace } from './qemu-trace.ts';
import { importReservedRegions } from './reserved-regions.ts';
import type { UnitChoice } from './infer-units.ts';
import { importPaste } from './paste/index.ts';
import { readStrictTrace } from './qemu-trace-strict.ts';
import { INPUT_KINDS, type ImportResult, type InputKind } from './types.ts';

/** Every importer by kind; `importText` detects the kind when it is not given. */

export * from './types.ts';
export { detectKind } from './detect.ts';
export { BUNDLE_MAGIC } from './bundle.ts';
export { mergeImports } from './merge.ts';
export { assumptionSentence, KIND_NAME, type UnitChoice } from './infer-units.ts';

export interface ImportOptions {
  kind?: InputKind;
  /** For qemu-trace: the group whose container the steps replay into. */
  group?: number;
  /** The IOMMU unit for grouped devices that no input assigns (the user's pick). */
  iommu?: UnitChoice;
  /** Progress of a long QEMU trace: lines read and the fraction of the text (the strict reader's; the general one reports none). */
  onLines?: (lines: number, fraction: number) => void;
}

export const IMPORTERS: Record<InputKind, (text: string, options: ImportOptions) => ImportResult> =
  {
    bundle: (t) => importBundle(t),
    'reserved-regions': (t, o) =>
      importReservedRegions(t, o.group !== undefined ? { group: o.group } : {}),
    groups: (t) => importGroups(t),
    'lspci-vvv': (t) => importLspciVvv(t),
    'lspci-tv': (t) => importLspciTv(t),
    'lspci-vmm': (t) => importLspciVmm(t),
    iomem: (t) => importIomem(t),
    dmesg: (t) => importDmesg(t),
    mtree: (t) => importMtree(t),
    'qemu-trace': (t, o) => importQemuTrace(t, o.group !== undefined ? { group: o.group } : {}),
    'error-lines': (t) => importErrorLines(t),
  };

export type ImportTextResult = { ok: true; result: ImportResult } | { ok: false; error: string };

/**
 * Reads pasted or collected text: cleaned of quoting, markup, prompts and log prefixes, wrapped
 * lines rejoined, cut into pieces by kind unless `kind` is given, each piece read by its importer,
 * and the pieces merged (paste/index.ts). Line numbers always point into `text`.
 */
export function importText(text: string, options: ImportOptions = {}): ImportTextResult {
  // A trace file as QEMU wrote it reads in one scan, with the same result (qemu-trace-strict.ts).
  if (options.kind === undefined || options.kind === 'qemu-trace') {
    const strict = readStrictTrace(text, {
      group: options.group,
      wholeText: options.kind === 'qemu-trace',
      iommu: options.iommu,
      onLines: options.onLines,
    });
    if (strict) return { ok: true, result: strict };
  }
  const importers = Object.fromEntries(
    INPUT_KINDS.map((k) => [k, (t: string) => IMPORTERS[k](t, options)]),
  ) as Record<InputKind, (t: string) => ImportResult>;
  const result = importPaste(text, importers, {
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.iommu ? { iommu: options.iommu } : {}),
  });
  if (!result) {
    return {
      ok: false,
      error:
        'could not tell what this text is: no line of it looks like reserved_regions, a group listing, lspci, /proc/iomem, dmesg, info mtree, a QEMU trace or an error line; give the kind (bundle, reserved-regions, groups, lspci-vvv, lspci-tv, lspci-vmm, iomem, dmesg, mtree, qemu-trace, error-lines)',
    };
  }
  return { ok: true, result };
}
