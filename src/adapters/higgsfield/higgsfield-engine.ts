/**
 * The `higgsfield` engine: relays a task to the Higgsfield cloud (platform v2) and makes
 * its result ours. Upload the images, submit once, poll with backoff and jitter, download
 * the video, make `min` and the poster here.
 *
 * Never buy one video twice. There is no idempotency key upstream, so:
 * - before a submit is sent, the task records `upstream = {state: 'submitting'}` durably;
 * - as soon as the answer names the request, it records `{state: 'accepted', requestId}`
 *   before anything else happens;
 * - a worker that takes the task over after a crash resumes polling an accepted request,
 *   and refuses to re-send a `submitting` one (its outcome is unknown): the task fails
 *   with `upstream_uncertain`, naming the time of the submit, so a person can check the
 *   Higgsfield dashboard. The same goes for a submit that got no answer or a 5xx.
 * - a submit is sent again only when the cloud's answer proves it was not accepted: the
 *   concurrency cap (400 "Maximum number of concurrent requests"), 429, or a connection
 *   that was refused before anything was sent.
 */
import { AppError } from '../../core/errors.js';
import type { Engine, EngineHealth, Renderability, RenderContext, RenderJob, RenderOutput } from '../../core/ports.js';
import type { Task, UpstreamRequest } from '../../core/task.js';
import type { MotionCatalogue } from '../../catalogue/motion-catalogue.js';
import { HiggsfieldApi, UpstreamHttpError, UpstreamNetworkError } from './higgsfield-api.js';
import { deriveMedia, downloadResult, type ResultFetchers } from './result-media.js';
import { END_IMAGE_FIELD, isConcurrencyCap, submitPath, type RequestObject, type SubmitBody } from './wire.js';

export interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface HiggsfieldEngineOptions {
  api: HiggsfieldApi;
  catalogue: MotionCatalogue;
  results: ResultFetchers;
  logger: RelayLogger;
  ffmpegPath?: string;
  /** First poll delay; it grows ×1.5 per poll up to 5× this. Default 2000 ms. */
  pollMs?: number;
  /** How long one request is polled before the attempt gives up (it is not re-bought). Default 2 h. */
  maxPollMs?: number;
  /** Test seams: waiting (backoff) and its jitter, and the clock. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const ENGINE_NAME = 'higgsfield';

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal.reason)}`);
}

export class HiggsfieldEngine implements Engine {
  readonly name = ENGINE_NAME;
  readonly #o: Required<Pick<HiggsfieldEngineOptions, 'pollMs' | 'maxPollMs' | 'sleep' | 'random' | 'now'>> &
    HiggsfieldEngineOptions;
  readonly #health: EngineHealth = {
    engine: ENGINE_NAME,
    inFlight: 0,
    errorsByCode: {},
    creditsRefused: 0,
    concurrencyWaits: 0,
  };

  constructor(options: HiggsfieldEngineOptions) {
    this.#o = {
      pollMs: 2000,
      maxPollMs: 2 * 60 * 60 * 1000,
      sleep: abortableSleep,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  canRender(motionName: string): Renderability {
    if (this.#o.catalogue.platformIds(motionName)) return { renderable: true };
    return {
      renderable: false,
      reason: `no Higgsfield platform motion id is known for "${motionName}"`,
      engines: [],
    };
  }

  health(): EngineHealth {
    return { ...this.#health, errorsByCode: { ...this.#health.errorsByCode } };
  }

  /** Cancels the task's request upstream while the cloud still has it queued (202). */
  async cancelUpstream(task: Task): Promise<boolean> {
    const id = task.upstream?.requestId;
    if (!id) return false;
    try {
      const canceled = await this.#o.api.cancel(id, AbortSignal.timeout(30_000));
      this.#ok();
      return canceled;
    } catch (error) {
      this.#failed(error);
      this.#o.logger.warn(
        { taskId: task.id, requestId: id, err: describe(error) },
        'canceling a request on the Higgsfield cloud failed',
      );
      return false;
    }
  }

  async render(job: RenderJob, context: RenderContext): Promise<RenderOutput> {
    const motions = this.#platformMotions(job);
    const endpoint = submitPath(job.model, job.images.length > 1);
    const requestId = await this.#requestFor(job, context, endpoint, motions);
    this.#health.inFlight++;
    try {
      const videoUrl = await this.#poll(job, requestId, context);
      context.onProgress(0.93);
      const raw = await downloadResult(videoUrl, context.workDir, this.#o.results);
      const derived = await deriveMedia(raw, context.workDir, context.signal, this.#o.ffmpegPath);
      return {
        raw,
        min: derived.min,
        poster: derived.poster,
        resolved: { ...derived.resolved, engine: ENGINE_NAME, upstream: { endpoint, requestId, motions } },
      };
    } catch (error) {
      // Our cancel (not a shutdown or a lost lease, after which the task resumes polling)
      // cancels upstream too, which works while the cloud has not started it.
      if (context.signal.aborted && context.signal.reason === 'canceled') {
        void this.#o.api.cancel(requestId, AbortSignal.timeout(30_000)).catch(() => undefined);
      }
      throw error;
    } finally {
      this.#health.inFlight--;
    }
  }

  /** A combined name goes as its parts, each with the motion's strength. */
  #platformMotions(job: RenderJob): { id: string; strength: number }[] {
    return job.motions.flatMap((motion) => {
      const ids = this.#o.catalogue.platformIds(motion.name);
      if (!ids)
        throw new AppError('motion_not_renderable', `no Higgsfield platform motion id is known for "${motion.name}"`);
      return ids.map((id) => ({ id, strength: motion.strength }));
    });
  }

  /** The upstream request id: the one a previous attempt recorded, or a new submit. */
  async #requestFor(
    job: RenderJob,
    context: RenderContext,
    endpoint: string,
    motions: SubmitBody['motions'],
  ): Promise<string> {
    const previous = job.upstream;
    if (previous?.state === 'accepted' && previous.requestId) {
      this.#o.logger.info(
        { taskId: job.taskId, requestId: previous.requestId },
        'resuming the Higgsfield request of an earlier attempt',
      );
      return previous.requestId;
    }
    if (previous?.state === 'submitting') {
      throw new AppError(
        'upstream_uncertain',
        `an earlier attempt sent this task to the Higgsfield cloud at ${new Date(previous.submittedAt).toISOString()} and stopped before its answer was recorded; ` +
          'it was not sent again, so the video is never paid for twice (check the Higgsfield dashboard for the request)',
      );
    }
    const images = await this.#upload(job, context.signal);
    const body: SubmitBody = {
      image_url: images[0] as string,
      prompt: job.prompt,
      motions,
      seed: job.seed,
      enhance_prompt: job.enhancePrompt,
      ...(job.duration !== undefined && { duration: job.duration }),
      ...(images[1] !== undefined && { [END_IMAGE_FIELD]: images[1] }),
    };
    return this.#submit(job, context, endpoint, body);
  }

  async #upload(job: RenderJob, signal: AbortSignal): Promise<string[]> {
    const urls: string[] = [];
    for (const [index, bytes] of job.images.entries()) {
      const type = job.imageTypes?.[index] ?? 'image/jpeg';
      // Uploads cost nothing: a failed one is simply made again, a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          const { uploadUrl, publicUrl } = await this.#o.api.uploadUrl(type, signal);
          await this.#o.api.put(uploadUrl, bytes, type, signal);
          this.#ok();
          urls.push(publicUrl);
          break;
        } catch (error) {
          if (signal.aborted) throw error;
          this.#failed(error);
          const mapped = this.#definiteRefusal(error, `uploading image[${index}]`);
          if (mapped && !mapped.retryable) throw mapped;
          if (attempt >= 3)
            throw (
              mapped ??
              new AppError(
                'upstream_unavailable',
                `uploading image[${index}] to the Higgsfield cloud failed: ${describe(error)}`,
              )
            );
          await this.#o.sleep(this.#backoff(attempt, error), signal);
        }
      }
    }
    return urls;
  }

  async #submit(job: RenderJob, context: RenderContext, endpoint: string, body: SubmitBody): Promise<string> {
    const { api, logger } = this.#o;
    for (let wait = 1; ; wait++) {
      const intent: UpstreamRequest = {
        engine: ENGINE_NAME,
        state: 'submitting',
        endpoint,
        submittedAt: this.#o.now(),
      };
      await context.recordUpstream?.(intent);
      let answer: RequestObject;
      try {
        answer = await api.submit(endpoint, body, context.signal);
      } catch (error) {
        if (context.signal.aborted) throw error; // sent or not, `submitting` stays recorded: never re-sent
        this.#failed(error);
        const refused =
          error instanceof UpstreamHttpError && (isConcurrencyCap(error.status, error.detail) || error.status === 429);
        if (refused) {
          // Known not accepted: wait, then send it again.
          this.#health.concurrencyWaits++;
          await context.recordUpstream?.(undefined);
          const delay = this.#backoff(wait, error, 30_000);
          logger.info(
            { taskId: job.taskId, delay, detail: error.detail },
            'the Higgsfield account is at its concurrency cap; submitting again later',
          );
          await this.#o.sleep(delay, context.signal);
          continue;
        }
        const mapped = this.#definiteRefusal(error, 'the submit');
        if (mapped) {
          await context.recordUpstream?.(undefined);
          throw mapped;
        }
        logger.error(
          { taskId: job.taskId, err: describe(error) },
          'a Higgsfield submit got no usable answer; not re-sending it',
        );
        throw new AppError(
          'upstream_uncertain',
          `the Higgsfield cloud's answer to the submit was lost (${describe(error)}); it may have been accepted, so it was not sent again ` +
            `(never paid twice) — check the Higgsfield dashboard for a request sent at ${new Date(intent.submittedAt).toISOString()}`,
        );
      }
      this.#ok();
      // Before anything else: a crash from here on resumes polling this request.
      try {
        await context.recordUpstream?.({ ...intent, state: 'accepted', requestId: answer.request_id });
      } catch (error) {
        void api.cancel(answer.request_id, AbortSignal.timeout(30_000)).catch(() => undefined);
        throw error;
      }
      logger.info({ taskId: job.taskId, requestId: answer.request_id, endpoint }, 'submitted to the Higgsfield cloud');
      return answer.request_id;
    }
  }

  async #poll(job: RenderJob, requestId: string, context: RenderContext): Promise<string> {
    const { api, logger } = this.#o;
    const started = this.#o.now();
    let delay = this.#o.pollMs;
    let inProgressPolls = 0;
    for (;;) {
      await this.#o.sleep(this.#jitter(delay), context.signal);
      delay = Math.min(this.#o.pollMs * 5, delay * 1.5);
      if (this.#o.now() - started > this.#o.maxPollMs) {
        throw new AppError(
          'render_timeout',
          `the Higgsfield request ${requestId} did not finish within ${Math.round(this.#o.maxPollMs / 60_000)} min`,
        );
      }
      let status: RequestObject;
      try {
        status = await api.status(requestId, context.signal);
        this.#ok();
      } catch (error) {
        if (context.signal.aborted) throw error;
        this.#failed(error);
        if (error instanceof UpstreamHttpError && error.status === 401) throw this.#unauthorized();
        if (error instanceof UpstreamHttpError && error.status === 404) {
          throw new AppError('upstream_error', `the Higgsfield cloud no longer knows request ${requestId} (404)`);
        }
        // 5xx, 429, timeouts, lost connections: poll again (a poll is free), honouring Retry-After.
        if (error instanceof UpstreamHttpError && error.retryAfterMs !== undefined)
          delay = Math.max(delay, error.retryAfterMs);
        logger.warn(
          { taskId: job.taskId, requestId, err: describe(error) },
          'a Higgsfield status call failed; polling again',
        );
        continue;
      }
      switch (status.status) {
        case 'queued':
          context.onProgress(0.05);
          break;
        case 'in_progress':
          inProgressPolls++;
          context.onProgress(Math.min(0.9, 0.1 + 0.8 * (1 - 0.85 ** inProgressPolls)));
          break;
        case 'completed':
          if (!status.video?.url)
            throw new AppError('upstream_error', `the Higgsfield request ${requestId} completed without a video URL`);
          return status.video.url;
        case 'failed':
          throw new AppError(
            'upstream_failed',
            `the Higgsfield cloud failed to render it: ${status.error?.trim() || 'no reason given'}`,
          );
        case 'nsfw':
          throw new AppError('content_nsfw', 'the Higgsfield cloud flagged the content as NSFW (not charged)');
        case 'canceled':
          throw new AppError('upstream_canceled', `request ${requestId} was canceled on the Higgsfield cloud`);
      }
    }
  }

  /** An answer that proves the request was not accepted, mapped to our catalogue; undefined otherwise. */
  #definiteRefusal(error: unknown, what: string): AppError | undefined {
    if (error instanceof UpstreamNetworkError) {
      return error.notSent
        ? new AppError('upstream_unavailable', `the Higgsfield cloud is unreachable (${error.message}) for ${what}`)
        : undefined;
    }
    if (!(error instanceof UpstreamHttpError)) return undefined;
    const detail = error.detail ? `: ${error.detail}` : '';
    switch (error.status) {
      case 401:
        return this.#unauthorized();
      case 403:
        this.#health.creditsRefused++;
        return new AppError('upstream_credits', `the Higgsfield account has not enough credits for ${what} (403)`);
      case 400:
      case 422:
        return new AppError('upstream_rejected', `the Higgsfield cloud rejected ${what} (${error.status})${detail}`);
      case 404:
        return new AppError(
          'upstream_rejected',
          `the Higgsfield cloud does not offer this model to this account (404)${detail}`,
        );
      case 423:
        return new AppError(
          'upstream_unavailable',
          `the Higgsfield model is temporarily blocked (423)${detail}; retried later`,
        );
      case 503:
        return new AppError(
          'upstream_unavailable',
          `the Higgsfield model is disabled or not ready (503)${detail}; retried later`,
        );
      default:
        return undefined;
    }
  }

  #unauthorized(): AppError {
    this.#o.logger.error(
      { engine: ENGINE_NAME },
      "THE HIGGSFIELD CLOUD REFUSED THIS SERVER'S CREDENTIALS (HTTP 401): fix HF_API_KEY/HF_API_SECRET (or HF_CREDENTIALS)",
    );
    return new AppError(
      'upstream_unauthorized',
      "the Higgsfield cloud refused this server's credentials (401); the operator must fix them",
    );
  }

  /** Exponential from the first poll delay, with Retry-After when the answer sent one. */
  #backoff(attempt: number, error: unknown, capMs = this.#o.pollMs * 5): number {
    const retryAfter = error instanceof UpstreamHttpError ? error.retryAfterMs : undefined;
    if (retryAfter !== undefined) return retryAfter;
    return this.#jitter(Math.min(capMs, this.#o.pollMs * 1.5 ** (attempt - 1)));
  }

  /** ±20 %, so many tasks started together do not poll in step. */
  #jitter(ms: number): number {
    return Math.round(ms * (0.8 + 0.4 * this.#o.random()));
  }

  #ok(): void {
    this.#health.lastCallOk = true;
    delete this.#health.lastError;
  }

  #failed(error: unknown): void {
    const code =
      error instanceof UpstreamHttpError
        ? String(error.status)
        : error instanceof UpstreamNetworkError
          ? error.timedOut
            ? 'timeout'
            : 'network'
          : 'other';
    this.#health.errorsByCode[code] = (this.#health.errorsByCode[code] ?? 0) + 1;
    this.#health.lastCallOk = false;
    this.#health.lastError = describe(error);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
