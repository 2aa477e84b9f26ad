/**
 * "Did you mean ...?" for misspelt op names, field names and flags: the closest candidate by edit
 * distance, when it is close enough to be a plausible typo.
 */

export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(
        Math.min(
          (prev[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (prev[j - 1] as number) + cost,
        ),
      );
    }
    prev = row;
  }
  return prev[y.length] as number;
}

/**
 * The closest candidate within a third of the word's length (at least 2 edits), else one that is a
 * prefix of the word or starts with it, if any.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (bestDistance <= limit) return best;
  // Another op's spelling of the same flag (READABLE for READ): one is a prefix of the other.
  const w = word.toLowerCase();
  return candidates.find((c) => {
    const k = c.toLowerCase();
    return Math.min(k.length, w.length) >= 3 && (w.startsWith(k) || k.startsWith(w));
  });
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` — did you mean ${c}?`;
}
