/**
 * Request logging: one line per request at info (request id, method, route, status, time),
 * in place of Fastify's two ("incoming request" and "request completed", ~290 bytes a
 * request between them). A client that goes away mid-response (a player seeking or closing
 * a video: ECONNRESET, EPIPE, premature close) is normal and logged as such at info, not as
 * an error; other failures after the headers went out stay warnings.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LogController } from '../fastify.js';
import { RequestLogger } from './request-logger.js';

const DISCONNECTS = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
]);

/** Whether `error` is the client hanging up (not a fault of ours). */
export function isClientDisconnect(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISCONNECTS.has(code);
}

// A flag on the reply, not a WeakSet of replies: a WeakSet entry per request is an ephemeron
// the garbage collector has to process in every young-generation collection.
const LOGGED = Symbol('request logged');
type Flagged = FastifyReply & { [LOGGED]?: true };
/** True the first time it is asked about `reply`, false after. */
function once(reply: Flagged): boolean {
  if (reply[LOGGED]) return false;
  reply[LOGGED] = true;
  return true;
}

function lineOf(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? request.url.split('?')[0],
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
  };
}

export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!once(reply)) return;
    const line = lineOf(request, reply);
    if (!error) {
      if (reply.log instanceof RequestLogger) reply.log.infoLine(line, 'request');
      else reply.log.info(line, 'request');
    } else if (isClientDisconnect(error)) reply.log.info({ ...line, aborted: true }, 'request: the client went away');
    else reply.log.error({ ...line, err: error }, 'request errored');
  }

  /** A streamed body that stopped after the headers went out (Fastify then logs nothing else). */
  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (!isClientDisconnect(error)) {
      reply.log.warn({ err: error }, 'response terminated with an error with headers already sent');
      return;
    }
    if (!once(reply)) return;
    reply.log.info({ ...lineOf(request, reply), aborted: true }, 'request: the client went away');
  }
}
