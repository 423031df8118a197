/**
 * "Did you mean …" for a motion name the catalogue does not know: the closest names by
 * edit distance on their slugs, and names that contain what was typed.
 */
import { slugify, type MotionCatalogue } from '../catalogue/motion-catalogue.js';

/** Levenshtein distance (insert, delete, substitute), two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Up to `limit` catalogue names close to `typed`, closest first. */
export function suggestMotions(catalogue: MotionCatalogue, typed: string, limit = 3): string[] {
  const want = slugify(typed);
  if (want === '') return [];
  const budget = Math.max(2, Math.floor(want.length / 3));
  const scored = catalogue.distinctByName().flatMap((m) => {
    const d = editDistance(want, m.slug);
    const contains = want.length >= 3 && m.slug.includes(want);
    return d <= budget || contains ? [{ name: m.name, d: contains ? Math.min(d, budget) : d }] : [];
  });
  scored.sort((x, y) => x.d - y.d || x.name.length - y.name.length || x.name.localeCompare(y.name));
  return [...new Set(scored.map((s) => s.name))].slice(0, limit);
}
