/**
 * Follows one task: polls its feed for live progress, then plays the video inline with
 * its download links and the parameters it was made with.
 */
import type { Api } from './api.js';
import { h } from './dom.js';
import { TERMINAL, type Feed } from './types.js';

const POLL_MS = 600;

export interface TaskViewElements {
  section: HTMLElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  player: HTMLElement;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** "Dolly In · lite · 854×480 · seed 42 · 5 s at 24 fps" */
export function describeParams(p: Feed['params']): string {
  const parts = [p.motions[0]?.name ?? p.motion_id, p.model];
  if (p.width && p.height) parts.push(`${p.width}×${p.height}`);
  parts.push(`seed ${p.seed}`);
  if (p.duration && p.fps) parts.push(`${Math.round(p.duration * 10) / 10} s at ${p.fps} fps`);
  return parts.join(' · ');
}

export class TaskView {
  private following?: AbortController;

  constructor(private readonly el: TaskViewElements) {}

  /** Polls until the task ends (or another task is followed), then shows it. */
  async follow(api: Api, id: string): Promise<Feed | undefined> {
    this.following?.abort();
    const following = new AbortController();
    this.following = following;
    this.el.section.hidden = false;
    this.el.player.replaceChildren();
    this.setProgress(0, 'Queued…');
    while (!following.signal.aborted) {
      let feed: Feed;
      try {
        feed = await api.feed(id);
      } catch (err) {
        this.setProgress(undefined, `Could not check the task: ${(err as Error).message}`);
        await sleep(POLL_MS * 4, following.signal);
        continue;
      }
      if (following.signal.aborted) return undefined;
      if (TERMINAL.has(feed.status)) {
        this.show(feed);
        return feed;
      }
      const label = feed.status === 'queued' ? 'Queued…' : `Rendering… ${Math.round(feed.progress * 100)}%`;
      this.setProgress(feed.progress, label);
      await sleep(POLL_MS, following.signal);
    }
    return undefined;
  }

  /** Shows a finished task: the player and links, or why it has no video. */
  show(feed: Feed): void {
    this.following?.abort();
    this.el.section.hidden = false;
    const results = feed.jobs[0]?.results;
    if (feed.status !== 'completed' || !results) {
      const why = feed.error?.message ?? feed.status;
      this.setProgress(0, feed.status === 'canceled' ? 'Canceled.' : `Failed: ${why}`);
      this.el.player.replaceChildren(h('p', { class: 'note' }, describeParams(feed.params)));
      return;
    }
    this.setProgress(1, 'Done.');
    const { width, height } = feed.params;
    const video = h('video', {
      src: results.raw.url,
      poster: results.poster?.url,
      controls: true,
      autoplay: true,
      muted: true,
      loop: true,
      playsinline: true,
      preload: 'auto',
      width: width ?? undefined,
      height: height ?? undefined,
      'aria-label': `Result video: ${describeParams(feed.params)}`,
    });
    // The muted attribute alone does not make a script-created video muted, and only a
    // muted video may autoplay.
    video.muted = true;
    const enhanced = feed.params.enhanced_prompt;
    this.el.player.replaceChildren(
      video,
      h(
        'p',
        { class: 'downloads' },
        h('a', { href: results.raw.url, download: `stillmotion-${feed.id}.mp4` }, 'Download raw (full quality)'),
        ' · ',
        h('a', { href: results.min.url, download: `stillmotion-${feed.id}-min.mp4` }, 'Download min (small preview)'),
      ),
      h('p', { class: 'note' }, describeParams(feed.params)),
    );
    if (enhanced) this.el.player.append(h('p', { class: 'note' }, 'Engine read the prompt as: ', h('q', {}, enhanced)));
  }

  private setProgress(value: number | undefined, label: string): void {
    if (value === undefined) this.el.progress.removeAttribute('value');
    else this.el.progress.value = value;
    this.el.status.textContent = label;
  }
}
