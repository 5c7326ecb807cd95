// "Did you mean" for misspelt names (modules, keywords, arguments, helpers): the closest known name
// by edit distance, offered only when it is close enough to be a likely typo.

/** Edit distance between two strings: insertions, deletions, substitutions and swaps of two adjacent
 * characters each cost 1 (optimal string alignment), so `moed` is one edit from `mode`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known names closest to `name`, if within a third of its length (at least 1, at most 3 edits). */
export function closest(name: string, known: Iterable<string>): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const candidate of new Set(known)) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = [candidate];
      bestDistance = d;
    } else if (d === bestDistance) {
      best.push(candidate);
    }
  }
  return bestDistance <= limit ? best.slice(0, 3) : [];
}

/** ` (did you mean 'x'?)` (or 'x' or 'y') when close names exist, else ''; appended to messages. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const hits = closest(name, known);
  return hits.length === 0 ? "" : ` (did you mean ${hits.map((h) => `'${h}'`).join(" or ")}?)`;
}
