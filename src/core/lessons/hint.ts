import { OP_SPECS } from '../ops/registry.ts';
import type { LessonStep } from './types.ts';

/**
 * The hint a step gives on request, before the learner runs it: the step's own when it was
 * written one (where to look to predict the kernel's answer), else what the call it makes does,
 * so a learner who has never seen the ioctl knows what it asks the kernel for. Undefined for a
 * step that only reads.
 */
export function lessonHint(step: LessonStep): string | undefined {
  if (step.hint !== undefined) return step.hint;
  if (!step.action) return undefined;
  const spec = OP_SPECS[step.action.op];
  return `${spec.call}: ${spec.doc} Read the step again and look at the map: would the kernel allow it here?`;
}
