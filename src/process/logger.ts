/**
 * The processes' logger: pino, writing JSON lines when stdout is not a terminal (a service
 * manager, a container, a file: what log collectors read), and short coloured lines when it
 * is one (someone running `npm start`). LOG_FORMAT=json|pretty overrides the guess.
 *
 * The pretty form is a small formatter of pino's own lines (no extra dependency): time,
 * level, message, then the other fields as key=value; errors with their stack. A created
 * API key is printed as a block of its own so that it is not lost among start-up lines.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** The `service` field of every line. */
  service: string;
  /** Force one form; default: pretty on a TTY, JSON otherwise (or LOG_FORMAT). */
  pretty?: boolean;
  /** Where lines go (default stdout). */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createLogger(options: LoggerOptions): Logger {
  const out = options.out ?? process.stdout;
  const format = process.env.LOG_FORMAT?.trim().toLowerCase();
  const pretty = options.pretty ?? (format === 'pretty' ? true : format === 'json' ? false : out.isTTY === true);
  const base = { level: options.level, base: { service: options.service } };
  if (!pretty && out !== process.stdout) return pino(base, out as DestinationStream);
  if (!pretty) {
    // Lines are written asynchronously, batched while a write is under way (pino's default
    // for stdout), and flushed synchronously when the process exits, also on an uncaught
    // exception. An error or fatal line is flushed at once: a crash that skips the exit
    // handlers (a native abort, SIGKILL from the OOM killer) must not take the line that
    // says what went wrong with it.
    //
    // The stream keeps the pending lines as Buffers (SonicBoom's buffer mode): in its default
    // string mode every line re-measures the UTF-8 length of the whole pending batch (and
    // flattens it), which grows with the batch under load. Same bytes either way.
    const stream = pino.destination({ fd: process.stdout.fd ?? 1, sync: false, contentMode: 'buffer' });
    // (SonicBoom's types only declare strings; in buffer mode its write takes Buffers.)
    const writeBuffer = stream.write.bind(stream) as unknown as (data: Buffer) => boolean;
    stream.write = (line: string) => writeBuffer(Buffer.from(line));
    return pino(
      {
        ...base,
        hooks: {
          logMethod(args, method, level) {
            method.apply(this, args);
            if (level >= 50) flushNow(stream);
          },
        },
      },
      stream,
    );
  }
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  return pino(base, { write: (line: string) => void out.write(prettyLine(line, colour)) });
}

function flushNow(stream: { flushSync(): void }): void {
  try {
    stream.flushSync();
  } catch {
    // Not open yet or already closed: the asynchronous write still carries the line.
  }
}

/** Logs a key created on this start: a block in the pretty form, one line in JSON. */
export function logCreatedKey(logger: Logger, created: { id: string; secret: string; file: string }): void {
  logger.warn(
    { event: 'api_key_created', apiKey: `${created.id}:${created.secret}`, file: created.file },
    `created an API key (shown once; also saved to ${created.file})`,
  );
}

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '36'],
  30: ['INFO ', '32'],
  40: ['WARN ', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'err', 'event', 'apiKey']);

/** One of pino's JSON lines as a human-readable line (or block). */
export function prettyLine(json: string, colour = false): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const paint = (code: string, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  if (o.event === 'api_key_created') {
    const rule = '─'.repeat(64);
    return [
      '',
      paint('33', `┌─ API key created ${rule.slice(18)}`),
      `${paint('33', '│')}  Authorization: Bearer ${paint('1', String(o.apiKey))}`,
      `${paint('33', '│')}  Shown once. Also saved to ${String(o.file)} (mode 0600).`,
      paint('33', `└${rule}`),
      '',
      '',
    ].join('\n');
  }
  const time = new Date(typeof o.time === 'number' ? o.time : Date.now()).toISOString().slice(11, 23);
  const [name, code] = LEVELS[o.level as number] ?? ['LOG  ', '0'];
  const fields = Object.entries(o)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => `${paint('2', `${k}=`)}${typeof v === 'string' ? v : JSON.stringify(v)}`);
  let line = `${paint('2', time)} ${paint(code, name)} ${String(o.msg ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}`;
  const err = o.err as { stack?: string; message?: string } | undefined;
  if (err) line += `\n${(err.stack ?? err.message ?? JSON.stringify(err)).replace(/^/gm, '    ')}`;
  return `${line}\n`;
}
