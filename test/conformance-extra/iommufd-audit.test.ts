import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConformanceFile } from '../conformance/replay-suite.ts';

/**
 * Independent audit of the iommufd model (drivers/iommu/iommufd/*.c and the iommufd selftest) against the kernel: every scenario of iommufd-audit.json,
 * each derived from a kernel code path or selftest named in its `source`, must replay with zero
 * mismatches.
 */
describeConformanceFile(
  'iommufd-audit.json',
  join(dirname(fileURLToPath(import.meta.url)), 'iommufd-audit.json'),
);
