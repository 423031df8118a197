/**
 * A fake Higgsfield platform on loopback, speaking the v2 wire format the relay uses
 * (reference api-dialects.md §2.6, §3): `POST /files/generate-upload-url` + bare `PUT`,
 * `POST /higgsfield-ai/dop/{lite|turbo|standard}[/first-last-frame]`,
 * `GET /requests/{id}/status`, `POST /requests/{id}/cancel`, `Authorization: Key id:secret`.
 * It returns a real MP4 (made with the bundled ffmpeg on first use), counts submits, and
 * plays scripted faults. No test may reach the real cloud; this is what they reach.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const FAKE_KEY_ID = 'hf-fake-id';
export const FAKE_KEY_SECRET = 'hf-fake-secret-0123456789';
export const FAKE_CREDENTIALS = `${FAKE_KEY_ID}:${FAKE_KEY_SECRET}`;

/** What one submit may be answered with instead of being accepted. */
export type SubmitFault =
  | 'server_error' // 500 after taking the request (the outcome is unknown to the client)
  | 'drop' // the connection is cut without an answer
  | 'concurrency_cap' // 400 "Maximum number of concurrent requests (4) has been reached"
  | 'rate_limited' // 429 with Retry-After: 1
  | 'credits' // 403
  | 'unauthorized' // 401
  | 'invalid' // 422, pydantic-style detail
  | 'blocked'; // 423

/** What one status call may be answered with instead of the request's state. */
export type StatusFault = 'server_error' | 'hang';

export interface FakeScript {
  /** Consumed one per submit, in order; an empty list accepts. */
  submitFaults: SubmitFault[];
  /** Consumed one per status call. */
  statusFaults: StatusFault[];
  /** How an accepted request ends. */
  outcome: 'completed' | 'failed' | 'nsfw' | 'canceled';
  failMessage: string;
  /** Status polls answered `queued`, then `in_progress`, before the outcome. */
  queuedPolls: number;
  inProgressPolls: number;
  /** Delay before the result video's bytes are sent. */
  resultDelayMs: number;
  /** Origin of result URLs (default: this server's own). */
  resultOrigin?: string;
}

export interface FakeSubmit {
  path: string;
  body: Record<string, unknown>;
  /** Whether the fake accepted it (made a request that bills). */
  accepted: boolean;
  requestId?: string;
}

interface FakeRequest {
  id: string;
  polls: number;
  canceled: boolean;
  status: string;
}

export interface FakeHiggsfield {
  baseUrl: string;
  script: FakeScript;
  /** Every submit received, faults included. */
  submits: FakeSubmit[];
  /** Submits that created a request (what the account pays for). */
  accepted(): FakeSubmit[];
  uploads: { contentType: string; bytes: number; authorization: string | undefined }[];
  statusCalls: number;
  cancels: { requestId: string; answered: number }[];
  /** Every API call's Authorization header, for checking it never changes shape. */
  authHeaders: string[];
  close(): Promise<void>;
}

let mp4: Promise<Buffer> | undefined;

/** A real 1 s H.264 MP4 (320×192, 12 fps), made once per process with the bundled ffmpeg. */
export function fakeVideo(): Promise<Buffer> {
  mp4 ??= (async () => {
    const ffmpeg = ((await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } }).default.path;
    const out = join(tmpdir(), `fake-hf-${process.pid}-${randomUUID()}.mp4`);
    await promisify(execFile)(ffmpeg, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x192:rate=12',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-movflags',
      '+faststart',
      out,
    ]);
    try {
      return await readFile(out);
    } finally {
      await rm(out, { force: true });
    }
  })();
  return mp4;
}

const MODEL_PATH = /^\/higgsfield-ai\/dop\/(lite|turbo|standard)(\/first-last-frame)?$/;

export async function startFakeHiggsfield(script: Partial<FakeScript> = {}): Promise<FakeHiggsfield> {
  const video = await fakeVideo();
  const state: FakeHiggsfield = {
    baseUrl: '',
    script: {
      submitFaults: [],
      statusFaults: [],
      outcome: 'completed',
      failMessage: 'the model could not follow the motion',
      queuedPolls: 1,
      inProgressPolls: 1,
      resultDelayMs: 0,
      ...script,
    },
    submits: [],
    accepted: () => state.submits.filter((s) => s.accepted),
    uploads: [],
    statusCalls: 0,
    cancels: [],
    authHeaders: [],
    close: async () => undefined,
  };
  const requests = new Map<string, FakeRequest>();
  const files = new Map<string, { contentType: string; body?: Buffer }>();
  const hanging = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-correlation-id': randomUUID(), ...headers });
    res.end(JSON.stringify(body));
  };
  const requestObject = (request: FakeRequest) => ({
    status: request.status,
    request_id: request.id,
    status_url: `${state.baseUrl}/requests/${request.id}/status`,
    cancel_url: `${state.baseUrl}/requests/${request.id}/cancel`,
    ...(request.status === 'completed' && {
      video: { url: `${state.script.resultOrigin ?? state.baseUrl}/results/${request.id}.mp4` },
    }),
    ...(request.status === 'failed' && { error: state.script.failMessage }),
  });
  const authorised = (req: IncomingMessage, res: ServerResponse): boolean => {
    const header = req.headers.authorization;
    if (header) state.authHeaders.push(header);
    if (header === `Key ${FAKE_KEY_ID}:${FAKE_KEY_SECRET}`) return true;
    json(res, 401, { detail: 'Invalid API credentials' });
    return false;
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;

    if (req.method === 'PUT' && path.startsWith('/upload/')) {
      // A presigned URL: no credentials, only Content-Type.
      const file = files.get(path.slice('/upload/'.length));
      if (!file) return json(res, 404, { detail: 'no such upload' });
      if (req.headers['content-type'] !== file.contentType)
        return json(res, 400, { detail: 'Content-Type differs from the one the URL was made for' });
      file.body = raw;
      state.uploads.push({
        contentType: file.contentType,
        bytes: raw.length,
        authorization: req.headers.authorization,
      });
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path.startsWith('/results/')) {
      const id = path.slice('/results/'.length).replace(/\.mp4$/, '');
      if (requests.get(id)?.status !== 'completed') return json(res, 404, { detail: 'not found' });
      if (state.script.resultDelayMs > 0) await new Promise((r) => setTimeout(r, state.script.resultDelayMs));
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(video.length) }).end(video);
      return;
    }

    if (!authorised(req, res)) return;
    if (req.method === 'POST' && path === '/files/generate-upload-url') {
      const contentType = String((JSON.parse(raw.toString() || '{}') as { content_type?: unknown }).content_type ?? '');
      if (!/^image\/(jpeg|jpg|png|webp|gif)$/.test(contentType)) {
        return json(res, 422, {
          detail: [{ type: 'value_error', loc: ['body', 'content_type'], msg: 'unsupported content type' }],
        });
      }
      const token = randomUUID();
      files.set(token, { contentType });
      return json(res, 200, {
        upload_url: `${state.baseUrl}/upload/${token}`,
        public_url: `${state.baseUrl}/files/${token}`,
      });
    }
    const model = req.method === 'POST' ? MODEL_PATH.exec(path) : null;
    if (model) {
      const body = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
      const record: FakeSubmit = { path, body, accepted: false };
      state.submits.push(record);
      const fault = state.script.submitFaults.shift();
      switch (fault) {
        case 'concurrency_cap':
          return json(res, 400, { detail: 'Maximum number of concurrent requests (4) has been reached' });
        case 'rate_limited':
          return json(res, 429, { detail: 'Too many requests' }, { 'retry-after': '1' });
        case 'credits':
          return json(res, 403, { detail: 'Not enough credits' });
        case 'unauthorized':
          return json(res, 401, { detail: 'Invalid API credentials' });
        case 'invalid':
          return json(res, 422, { detail: [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' }] });
        case 'blocked':
          return json(res, 423, { detail: 'Model is temporarily blocked' });
        default:
      }
      const errors: string[] = [];
      const publicUrl = (value: unknown) =>
        typeof value === 'string' && files.get(value.split('/files/')[1] ?? '')?.body !== undefined;
      if (!publicUrl(body.image_url)) errors.push('image_url must be an uploaded public_url');
      if (model[2] && !publicUrl(body.end_image_url)) errors.push('end_image_url must be an uploaded public_url');
      if (
        !Array.isArray(body.motions) ||
        body.motions.some(
          (m: { id?: unknown; strength?: unknown }) => typeof m.id !== 'string' || typeof m.strength !== 'number',
        )
      ) {
        errors.push('motions must be a list of {id, strength}');
      }
      if (typeof body.prompt !== 'string') errors.push('prompt is required');
      if (errors.length)
        return json(res, 422, { detail: errors.map((msg) => ({ type: 'value_error', loc: ['body'], msg })) });
      const request: FakeRequest = { id: randomUUID(), polls: 0, canceled: false, status: 'queued' };
      requests.set(request.id, request);
      record.accepted = true;
      record.requestId = request.id;
      if (fault === 'server_error') return json(res, 500, { detail: 'Internal server error' });
      if (fault === 'drop') {
        res.socket?.destroy();
        return;
      }
      return json(res, 200, requestObject(request));
    }
    const status = /^\/requests\/([^/]+)\/(status|cancel)$/.exec(path);
    if (status) {
      const request = requests.get(decodeURIComponent(status[1] as string));
      if (!request) return json(res, 404, { detail: 'Request not found' });
      if (status[2] === 'cancel' && req.method === 'POST') {
        const queued = request.status === 'queued';
        if (queued) request.status = 'canceled';
        state.cancels.push({ requestId: request.id, answered: queued ? 202 : 400 });
        return queued ? json(res, 202, {}) : json(res, 400, { detail: 'Request can no longer be canceled' });
      }
      if (status[2] === 'status' && req.method === 'GET') {
        state.statusCalls++;
        const fault = state.script.statusFaults.shift();
        if (fault === 'server_error') return json(res, 502, { detail: 'Bad gateway' });
        if (fault === 'hang') {
          hanging.add(res);
          return;
        }
        if (request.status === 'queued' || request.status === 'in_progress') {
          request.polls++;
          const { queuedPolls, inProgressPolls } = state.script;
          request.status =
            request.polls <= queuedPolls
              ? 'queued'
              : request.polls <= queuedPolls + inProgressPolls
                ? 'in_progress'
                : state.script.outcome;
        }
        return json(res, 200, requestObject(request));
      }
    }
    json(res, 404, { detail: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
