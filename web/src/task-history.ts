/**
 * The key's recent tasks (GET /higgsfield/tasks), newest first, each with what it was
 * made with and three actions: show it, run it again, or load it into the form to tweak.
 */
import type { Api } from './api.js';
import { h } from './dom.js';
import { describeParams } from './task-view.js';
import type { Feed } from './types.js';

export interface HistoryElements {
  list: HTMLOListElement;
  status: HTMLElement;
  more: HTMLButtonElement;
}

export interface HistoryActions {
  show(feed: Feed): void;
  rerun(feed: Feed): void;
  tweak(feed: Feed): void;
}

const STATUS_TEXT: Record<Feed['status'], string> = {
  queued: 'queued',
  in_progress: 'rendering',
  completed: 'done',
  failed: 'failed',
  nsfw: 'refused',
  canceled: 'canceled',
};

export class TaskHistory {
  private nextBefore: number | null = null;
  private api?: Api;

  constructor(
    private readonly el: HistoryElements,
    private readonly actions: HistoryActions,
  ) {
    el.more.addEventListener('click', () => void this.page());
  }

  /** Reloads from the newest task. */
  async reload(api: Api): Promise<void> {
    this.api = api;
    this.nextBefore = null;
    this.el.list.replaceChildren();
    await this.page();
  }

  private async page(): Promise<void> {
    if (!this.api) return;
    this.el.status.textContent = 'Loading…';
    try {
      const page = await this.api.tasks(this.nextBefore ?? undefined);
      this.el.list.append(...page.tasks.map((t) => this.item(t)));
      this.nextBefore = page.next_before;
      this.el.more.hidden = page.next_before === null;
      this.el.status.textContent = this.el.list.childElementCount === 0 ? 'No tasks yet for this key.' : '';
    } catch (err) {
      this.el.status.textContent = `Could not load the tasks: ${(err as Error).message}`;
    }
  }

  private item(feed: Feed): HTMLLIElement {
    const p = feed.params;
    const results = feed.jobs[0]?.results;
    const when = new Date(feed.created_at * 1000);
    const button = (text: string, label: string, action: () => void) => {
      const b = h('button', { type: 'button', 'aria-label': `${label}: ${describeParams(p)}` }, text);
      b.addEventListener('click', action);
      return b;
    };
    return h(
      'li',
      { class: 'history-item', 'data-task': feed.id },
      h('img', { src: results?.poster?.url ?? p.input_image.url, alt: '', loading: 'lazy', width: 96, height: 54 }),
      h(
        'div',
        { class: 'history-text' },
        h('strong', {}, p.motions[0]?.name ?? p.motion_id),
        ' ',
        h('span', { class: `badge ${feed.status}` }, STATUS_TEXT[feed.status]),
        h('span', { class: 'note params' }, describeParams(p).split(' · ').slice(1).join(' · ')),
        p.prompt ? h('span', { class: 'prompt' }, p.prompt) : null,
        h('time', { datetime: when.toISOString(), class: 'note' }, when.toLocaleString()),
        feed.error ? h('span', { class: 'field-error' }, feed.error.message) : null,
      ),
      h(
        'div',
        { class: 'history-actions' },
        results ? button('Show', 'Show', () => this.actions.show(feed)) : null,
        button('Re-run', 'Re-run', () => this.actions.rerun(feed)),
        button('Tweak', 'Tweak', () => this.actions.tweak(feed)),
      ),
    );
  }
}
