/**
 * The per-request logger, made only when a request logs something of its own.
 *
 * Fastify gives every request a child logger with the request id bound; pino's `child`
 * serialises the bindings and builds a logger object, ~1.4 µs of the ~45 µs a feed poll
 * cost (perf cpu-clock profile of bench:api). Most requests log nothing but their one
 * request line, which RequestLogController writes through the parent with the bindings in
 * front of the line's fields: pino writes a child's bindings right after its parent's, so
 * the bytes are the same. Anything else logged through `request.log` makes the child then.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LogArgs = unknown[];
type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const call = (logger: FastifyBaseLogger, method: Method, args: LogArgs): void =>
  (logger[method] as (...a: LogArgs) => void).apply(logger, args);

export class RequestLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** Fastify's `childLoggerFactory`: a child with options of its own is made at once. */
  static factory(
    this: void,
    parent: FastifyBaseLogger,
    bindings: Bindings,
    options: ChildLoggerOptions,
  ): FastifyBaseLogger {
    if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options);
    return new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
  }

  private get log(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  /** Logs `fields` at info as the child would, without making it when it does not exist yet. */
  infoLine(fields: object, msg: string): void {
    if (this.#child) this.#child.info(fields, msg);
    else this.parent.info({ ...this.bindings, ...fields }, msg);
  }

  get level(): string {
    return this.#child ? this.#child.level : this.parent.level;
  }
  set level(level: string) {
    this.log.level = level;
  }
  // Prototype methods, not arrow fields: no closures made per request.
  fatal(...args: LogArgs): void {
    call(this.log, 'fatal', args);
  }
  error(...args: LogArgs): void {
    call(this.log, 'error', args);
  }
  warn(...args: LogArgs): void {
    call(this.log, 'warn', args);
  }
  info(...args: LogArgs): void {
    call(this.log, 'info', args);
  }
  debug(...args: LogArgs): void {
    call(this.log, 'debug', args);
  }
  trace(...args: LogArgs): void {
    call(this.log, 'trace', args);
  }
  silent(...args: LogArgs): void {
    call(this.log, 'silent', args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}
