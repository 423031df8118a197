/**
 * The Higgsfield motion catalogue (real ids, so existing clients' ids work), and the
 * lookups every dialect needs: by id, by name, by slug.
 */
import { readFileSync } from 'node:fs';

export type MotionKind = 'camera' | 'effect';

export interface CatalogueMotion {
  id: string;
  name: string;
  slug: string;
  kind: MotionKind;
  categories: string[];
  /** Listing order: ascending, nulls last (as the web catalogue sorts). */
  priority: number | null;
  /** Platform API flag; null where the source did not publish it. */
  startEndFrame: boolean | null;
  description: string;
  /** Which id set the record comes from. */
  source: 'web' | 'platform';
}

/** A record as motions.json stores it. */
export interface RawMotion {
  id: string;
  name: string;
  categories: string[];
  kind: MotionKind;
  priority: number | null;
  start_end_frame: boolean | null;
  description: string;
  source: string;
}

/** "Crane Over The Head + Crash Zoom In" → "crane-over-the-head-crash-zoom-in" */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export class MotionCatalogue {
  readonly motions: readonly CatalogueMotion[];
  private readonly byId = new Map<string, CatalogueMotion>();
  private readonly bySlug = new Map<string, CatalogueMotion>();
  /** One record per name: the platform API id (one per name) when known. */
  private readonly canonicalBySlug = new Map<string, CatalogueMotion>();
  /** Slug → the id the platform API (`/v1/motions`, DoP's `motions[].id`) knows the name by. */
  private readonly platformIdBySlug = new Map<string, string>();

  /**
   * `listed`: `raw` is already in listing order (the build's motions.listing.json), so it is
   * not sorted again.
   */
  constructor(raw: RawMotion[], options: { listed?: boolean } = {}) {
    const motions = (options.listed ? raw : inListingOrder(raw)).map(
      (r): CatalogueMotion => ({
        id: r.id,
        name: r.name,
        slug: slugify(r.name),
        kind: r.kind,
        categories: [...r.categories],
        priority: r.priority,
        startEndFrame: r.start_end_frame,
        description: r.description,
        source: r.source.startsWith('higgsfield.ai/') ? 'web' : 'platform',
      }),
    );
    for (const r of raw) {
      // Only ids read from the platform API's own listing; web ids (and ids seen only in
      // web clients) are not accepted by `POST /higgsfield-ai/dop/*`.
      if (/platform API/i.test(r.source) && !this.platformIdBySlug.has(slugify(r.name)))
        this.platformIdBySlug.set(slugify(r.name), r.id);
    }
    this.motions = motions;
    for (const m of motions) {
      this.byId.set(m.id.toLowerCase(), m);
      if (!this.bySlug.has(m.slug)) this.bySlug.set(m.slug, m);
      const current = this.canonicalBySlug.get(m.slug);
      if (!current || (current.source === 'web' && m.source === 'platform')) this.canonicalBySlug.set(m.slug, m);
    }
  }

  /**
   * The catalogue this project ships. Compiled (dist/), the records are read in the listing
   * order the build worked out (`npm run build` writes motions.listing.json beside this
   * module): sorting them here took the process's first `localeCompare`, which loads ICU's
   * collation data (10–25 ms on a quiet machine, ~100 ms on a loaded one) on every start of
   * the CLI and the service. From the sources, motions.json is read and sorted.
   */
  static load(): MotionCatalogue {
    const listed = readRecords('./motions.listing.json');
    return listed ? new MotionCatalogue(listed, { listed: true }) : new MotionCatalogue(readRecords('./motions.json')!);
  }

  /** Finds a motion by id (any of its variants), exact name, or slug. Case-insensitive. */
  resolve(idOrName: string): CatalogueMotion | undefined {
    const key = idOrName.trim();
    if (key === '') return undefined;
    return this.byId.get(key.toLowerCase()) ?? this.canonicalBySlug.get(slugify(key));
  }

  /**
   * The platform API motion id(s) for a name: its own id, or — for a combined name ("Crash
   * Zoom In + Face Punch", a web mix with no platform id) — the ids of its parts, in order.
   * Undefined when any part has none.
   */
  platformIds(name: string): string[] | undefined {
    const own = this.platformIdBySlug.get(slugify(name));
    if (own) return [own];
    const parts = name.split('+').map((part) => part.trim());
    if (parts.length < 2) return undefined;
    const ids = parts.map((part) => this.platformIdBySlug.get(slugify(part)));
    return ids.every((id): id is string => id !== undefined) ? ids : undefined;
  }

  /** The canonical record of each distinct name (one per name), in listing order. */
  distinctByName(): CatalogueMotion[] {
    return this.motions.filter((m) => this.canonicalBySlug.get(m.slug) === m);
  }

  /** Case-insensitive substring search on names, in listing order. */
  search(text: string | undefined, limit: number): CatalogueMotion[] {
    const needle = text?.trim().toLowerCase() ?? '';
    const hits = needle === '' ? this.motions : this.motions.filter((m) => m.name.toLowerCase().includes(needle));
    return hits.slice(0, limit);
  }
}

/** A records file beside this module; undefined when there is none. */
function readRecords(name: string): RawMotion[] | undefined {
  let text: string;
  try {
    text = readFileSync(new URL(name, import.meta.url), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as RawMotion[];
}

/**
 * The records in listing order: ascending priority, nulls last (as the web catalogue
 * sorts), then by name and id. The build writes them so (scripts/build.mjs).
 */
export function inListingOrder(raw: readonly RawMotion[]): RawMotion[] {
  return [...raw].sort(compareListingOrder);
}

function compareListingOrder(a: RawMotion, b: RawMotion): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}
