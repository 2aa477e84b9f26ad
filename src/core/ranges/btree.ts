import SortedBTree from 'sorted-btree';

/**
 * The B+ tree class of sorted-btree, the same under every loader. The package is CommonJS with
 * `exports.default = BTree`: bundlers (Vite, vitest) hand a default import over as the class, but
 * Node's own ESM loader (the CLI, run through tsx) hands over the whole exports object, so
 * `new BTree()` from a plain `import BTree from 'sorted-btree'` throws "BTree is not a
 * constructor" there. Import `BTree` from this module instead.
 */
export const BTree: typeof SortedBTree =
  (SortedBTree as unknown as { default?: typeof SortedBTree }).default ?? SortedBTree;
export type BTree<K, V> = SortedBTree<K, V>;

import sortedBTreeDiff from 'sorted-btree/extended/diffAgainst.js';

/**
 * sorted-btree's diff of two trees, which skips every node they share (a version and its clone
 * differ only along the paths an edit copied). Same CommonJS default-export care as `BTree`.
 */
export const diffTrees: typeof sortedBTreeDiff =
  (sortedBTreeDiff as unknown as { default?: typeof sortedBTreeDiff }).default ?? sortedBTreeDiff;
