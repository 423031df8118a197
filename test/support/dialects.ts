/**
 * One submit and one poll per dialect, so a test can run the same story through the
 * reseller, v1 and v2 wire formats and read the outcome in each one's own shape.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KEY_A, getJson, postJson } from './in-process.js';

export const DIALECTS = ['reseller', 'v1', 'v2'] as const;
export type DialectName = (typeof DIALECTS)[number];

const HEADERS = { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' };

/**
 * Submits one image with `Zoom In`; `extra` is merged into the dialect's body (v1: into
 * `params`); `webhookUrl` goes where the dialect takes it. Returns the HTTP status and the task id (when accepted) or the body.
 */
export async function submitIn(
  dialect: DialectName,
  baseUrl: string,
  image: string,
  extra: Record<string, unknown> = {},
  webhookUrl?: string,
): Promise<{ status: number; id?: string; body: any }> {
  let res;
  if (dialect === 'reseller') {
    const body = {
      model: 'lite',
      motion_id: 'Zoom In',
      prompt: 'p',
      image: [image],
      ...extra,
      ...(webhookUrl && { callback_url: webhookUrl }),
    };
    res = await postJson(`${baseUrl}/higgsfield/generate`, body, HEADERS);
    return { status: res.status, body: res.body, ...(res.status === 200 && { id: res.body.id }) };
  }
  if (dialect === 'v1') {
    const params = {
      model: 'dop-lite',
      prompt: 'p',
      input_images: [{ type: 'image_url', image_url: image }],
      motions: [{ id: 'Zoom In' }],
      ...extra,
    };
    res = await postJson(
      `${baseUrl}/v1/image2video/dop`,
      { params, ...(webhookUrl && { webhook: { url: webhookUrl, secret: 'hook-secret' } }) },
      HEADERS,
    );
    return { status: res.status, body: res.body, ...(res.status === 200 && { id: res.body.id }) };
  }
  const query = webhookUrl ? `?hf_webhook=${encodeURIComponent(webhookUrl)}` : '';
  res = await postJson(
    `${baseUrl}/higgsfield-ai/dop/lite${query}`,
    { image_url: image, prompt: 'p', motion_id: 'Zoom In', ...extra },
    HEADERS,
  );
  return { status: res.status, body: res.body, ...(res.status === 200 && { id: res.body.request_id }) };
}

export interface DialectOutcome {
  status: string;
  /** The error text the dialect shows, if any. */
  error?: string;
  /** The result video URL, when completed. */
  videoUrl?: string;
  body: any;
}

/** The task as the dialect's own poll endpoint shows it. */
export async function pollIn(dialect: DialectName, baseUrl: string, id: string): Promise<DialectOutcome> {
  if (dialect === 'reseller') {
    const { body } = await getJson(`${baseUrl}/higgsfield/feed/${id}`, HEADERS);
    const job = body.jobs[0];
    return {
      status: job.status,
      body,
      ...(job.error && { error: job.error }),
      ...(job.results && { videoUrl: job.results.raw.url }),
    };
  }
  if (dialect === 'v1') {
    const { body } = await getJson(`${baseUrl}/v1/job-sets/${id}`, HEADERS);
    const job = body.jobs[0];
    return {
      status: job.status,
      body,
      ...(job.error && { error: job.error }),
      ...(job.results && { videoUrl: job.results.raw.url }),
    };
  }
  const { body } = await getJson(`${baseUrl}/requests/${id}/status`, HEADERS);
  return {
    status: body.status,
    body,
    ...(body.error && { error: body.error }),
    ...(body.video && { videoUrl: body.video.url }),
  };
}

const TERMINAL = ['completed', 'failed', 'nsfw', 'canceled'];

/** Polls until the task is terminal in that dialect's view. */
export async function waitIn(
  dialect: DialectName,
  baseUrl: string,
  id: string,
  timeoutMs = 60_000,
): Promise<DialectOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await pollIn(dialect, baseUrl, id);
    if (TERMINAL.includes(outcome.status)) return outcome;
    if (Date.now() > deadline) throw new Error(`${dialect} task ${id} still ${outcome.status}`);
    await sleep(50);
  }
}
