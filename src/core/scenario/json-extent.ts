/**
 * How big and how deep a parsed JSON value is, found without recursion (a value nested a million
 * levels deep must not overflow the stack of the code that measures it).
 */

/** Arrays and objects inside each other: scenario files need a handful of levels. */
export const MAX_NESTING = 64;

export interface JsonExtent {
  /** Every value counted once, containers and leaves. */
  readonly nodes: number;
  /** The path to the first container nested deeper than MAX_NESTING, when there is one. */
  readonly tooDeep?: readonly PropertyKey[];
}

interface Frame {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: PropertyKey;
}

export function measureJson(root: unknown): JsonExtent {
  let nodes = 0;
  const stack: Frame[] = [];
  const visit = (v: unknown, parent: Frame | undefined, key: PropertyKey) => {
    nodes++;
    if (v !== null && typeof v === 'object')
      stack.push({ value: v, depth: (parent?.depth ?? 0) + 1, parent, key });
  };
  visit(root, undefined, '');
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.depth > MAX_NESTING) return { nodes, tooDeep: pathOf(frame) };
    if (Array.isArray(frame.value)) frame.value.forEach((v, i) => visit(v, frame, i));
    else
      for (const key in frame.value)
        visit((frame.value as Record<string, unknown>)[key], frame, key);
  }
  return { nodes };
}

/** Whether a value has more than `limit` nodes; stops counting there, so it costs at most that. */
export function hasMoreNodesThan(root: unknown, limit: number): boolean {
  let nodes = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++nodes > limit) return true;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      if (nodes + v.length > limit) return true;
      stack.push(...v);
    } else for (const key in v) stack.push((v as Record<string, unknown>)[key]);
  }
  return false;
}

function pathOf(frame: Frame): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) path.unshift(f.key);
  return path;
}
