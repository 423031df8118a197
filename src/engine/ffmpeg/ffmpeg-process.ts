/**
 * The one module that owns an ffmpeg child process: writes that honour backpressure, a
 * state checked before every write, cancellation that kills and awaits the process, and
 * failures that carry the tail of ffmpeg's stderr.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../../core/errors.js';

/** The process's state; every write checks it first. */
export type FfmpegState =
  | { kind: 'running' }
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'failed'; error: Error };

const STDERR_TAIL = 4000;

export class FfmpegProcess {
  private state: FfmpegState = { kind: 'running' };
  private stderrTail = '';
  private readonly exited: Promise<void>;
  private readonly child: ChildProcessByStdio<Writable, null, Readable>;
  /** Rejecters of writes in flight, failed at once if ffmpeg exits under them. */
  private readonly pending = new Set<(error: Error) => void>();

  private constructor(path: string, args: string[]) {
    this.child = spawn(path, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    // EPIPE when ffmpeg dies mid-write: the exit handler reports the real cause.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.state = { kind: 'failed', error };
        resolve();
      });
      this.child.once('close', (code, signal) => {
        if (this.state.kind === 'running') this.state = { kind: 'exited', code, signal };
        resolve();
      });
    });
    void this.exited.then(() => {
      for (const reject of this.pending) reject(this.failure('ffmpeg stopped while frames were being written'));
      this.pending.clear();
    });
  }

  /** Starts ffmpeg with `args`. */
  static start(path: string, args: string[]): FfmpegProcess {
    return new FfmpegProcess(path, args);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last few KB of ffmpeg's stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  private failure(message: string): AppError {
    const tail = this.stderrTail.trim().split('\n').slice(-8).join('\n');
    const s = this.state;
    const how =
      s.kind === 'failed'
        ? s.error.message
        : s.kind === 'exited'
          ? `exit code ${s.code}${s.signal ? `, signal ${s.signal}` : ''}`
          : 'running';
    return new AppError('render_failed', `${message} (ffmpeg ${how})${tail ? `: ${tail}` : ''}`);
  }

  /** Writes one chunk; resolves once ffmpeg has taken it (after `drain` when the pipe is full). */
  write(chunk: Uint8Array): Promise<void> {
    if (this.state.kind !== 'running')
      return Promise.reject(this.failure('ffmpeg stopped before all frames were written'));
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      const done = (): void => {
        this.pending.delete(reject);
        resolve();
      };
      // The callback fires once the chunk has left our memory, so the caller may reuse it.
      const ok = this.child.stdin.write(chunk, (err) => {
        if (err) {
          this.pending.delete(reject);
          reject(this.failure('writing a frame to ffmpeg failed'));
        } else if (ok) done();
      });
      if (!ok) this.child.stdin.once('drain', done);
    });
  }

  /** Closes stdin and waits for ffmpeg; rejects with render_failed unless it exited 0. */
  async finish(): Promise<void> {
    if (this.state.kind === 'running') this.child.stdin.end();
    await this.exited;
    const s = this.state;
    if (s.kind !== 'exited' || s.code !== 0) throw this.failure('ffmpeg failed');
  }

  /** Kills ffmpeg (if still running) and waits until it has exited. Safe to call twice. */
  async kill(): Promise<void> {
    if (this.state.kind === 'running') {
      this.child.stdin.destroy();
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
