import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConformanceFile } from '../conformance/replay-suite.ts';

/**
 * Independent audit of the VFIO type1 model (kernel-semantics §3, §4, §10, Appendix A) against the kernel: every scenario of vfio-audit.json,
 * each derived from a kernel code path or selftest named in its `source`, must replay with zero
 * mismatches.
 */
describeConformanceFile(
  'vfio-audit.json',
  join(dirname(fileURLToPath(import.meta.url)), 'vfio-audit.json'),
);
