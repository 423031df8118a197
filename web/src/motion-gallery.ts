/**
 * The motion gallery: one card per motion *name* (the catalogue lists several ids per
 * name; the first in listing order stands for them all), each with the animated preview
 * our engine renders, filterable by kind/category and search. Cards are native radio
 * buttons, so keyboard and screen-reader use come for free. Motions this server cannot
 * render are greyed out and say which engine can.
 */
import { h } from './dom.js';
import type { MotionRecord } from './types.js';

/** "basic_camera_control" → "Basic camera control"; "vfx" → "VFX". */
export function categoryLabel(slug: string): string {
  if (slug === 'vfx') return 'VFX';
  const words = slug.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The first record of each name, in listing order. */
export function onePerName(records: MotionRecord[]): MotionRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.name) && seen.add(r.name));
}

/** Filter value: "" (all), "kind:camera", "kind:effect" or "category:<slug>". */
export function matches(motion: MotionRecord, filter: string, search: string, onlyRenderable: boolean): boolean {
  if (onlyRenderable && !motion.renderable) return false;
  if (filter.startsWith('kind:') && motion.kind !== filter.slice(5)) return false;
  if (filter.startsWith('category:') && !motion.categories.includes(filter.slice(9))) return false;
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${motion.name} ${motion.description} ${motion.kind} ${motion.categories.join(' ')}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export interface GalleryElements {
  grid: HTMLElement;
  search: HTMLInputElement;
  category: HTMLSelectElement;
  onlyRenderable: HTMLInputElement;
  status: HTMLElement;
}

export class MotionGallery {
  private motions: MotionRecord[] = [];
  /** Every variant id → the card's record, so a task's motion_id finds its card. */
  private byId = new Map<string, MotionRecord>();
  private cards = new Map<string, HTMLLabelElement>();

  constructor(
    private readonly el: GalleryElements,
    private readonly onSelect: (motion: MotionRecord) => void,
  ) {
    el.search.addEventListener('input', () => this.applyFilter());
    el.category.addEventListener('change', () => this.applyFilter());
    el.onlyRenderable.addEventListener('change', () => this.applyFilter());
  }

  setMotions(records: MotionRecord[]): void {
    this.motions = onePerName(records);
    const byName = new Map(this.motions.map((m) => [m.name, m]));
    this.byId = new Map(records.map((r) => [r.id, byName.get(r.name)!]));
    this.fillCategories();
    this.cards = new Map(this.motions.map((m) => [m.id, this.card(m)]));
    this.el.grid.replaceChildren(...this.cards.values());
    this.applyFilter();
  }

  get selected(): MotionRecord | undefined {
    const checked = this.el.grid.querySelector<HTMLInputElement>('input[name=motion]:checked');
    return checked ? this.byId.get(checked.value) : undefined;
  }

  /** Selects the card of any variant id (or name); false when the catalogue lacks it. */
  select(idOrName: string): boolean {
    const motion = this.byId.get(idOrName) ?? this.motions.find((m) => m.name === idOrName);
    const input = motion && this.cards.get(motion.id)?.querySelector('input');
    if (!motion || !input) return false;
    input.checked = true;
    this.cards.get(motion.id)!.hidden = false;
    this.onSelect(motion);
    return true;
  }

  private fillCategories(): void {
    const categories = [...new Set(this.motions.flatMap((m) => m.categories))].sort();
    const kinds = [...new Set(this.motions.map((m) => m.kind))].sort();
    const group = (label: string, options: [string, string][]) =>
      h('optgroup', { label }, ...options.map(([value, text]) => h('option', { value }, text)));
    this.el.category.replaceChildren(
      h('option', { value: '' }, 'All'),
      group(
        'Kind',
        kinds.map((k) => [`kind:${k}`, categoryLabel(k)]),
      ),
      group(
        'Category',
        categories.map((c) => [`category:${c}`, categoryLabel(c)]),
      ),
    );
  }

  private card(motion: MotionRecord): HTMLLabelElement {
    const needs = motion.renderable
      ? null
      : h('span', { class: 'needs' }, `needs: ${motion.renderable_by.join(', ') || 'another engine'}`);
    const input = h('input', {
      type: 'radio',
      name: 'motion',
      value: motion.id,
      class: 'visually-hidden',
      disabled: !motion.renderable,
    });
    input.addEventListener('change', () => input.checked && this.onSelect(motion));
    return h(
      'label',
      {
        class: `motion-card${motion.renderable ? '' : ' unrenderable'}`,
        title: motion.description,
        'data-name': motion.name,
      },
      input,
      h('img', {
        src: motion.media.url,
        alt: '',
        width: motion.media.width,
        height: motion.media.height,
        loading: 'lazy',
        decoding: 'async',
      }),
      h('span', { class: 'motion-name' }, motion.name),
      h(
        'span',
        { class: 'motion-meta' },
        motion.kind,
        motion.start_end_frame ? ' · start+end' : '',
        // Where this installation renders it: effects relayed to the cloud say so.
        motion.renderable && motion.renderable_by[0] === 'higgsfield' ? ' · Higgsfield cloud' : '',
      ),
      needs,
    );
  }

  private applyFilter(): void {
    const filter = this.el.category.value;
    const search = this.el.search.value;
    const only = this.el.onlyRenderable.checked;
    let shown = 0;
    for (const motion of this.motions) {
      const visible = matches(motion, filter, search, only);
      this.cards.get(motion.id)!.hidden = !visible;
      if (visible) shown++;
    }
    const renderable = this.motions.filter((m) => m.renderable).length;
    this.el.status.textContent =
      shown === this.motions.length
        ? `${this.motions.length} motions, ${renderable} renderable here.`
        : `${shown} of ${this.motions.length} motions match.`;
  }
}
