// Where a `stillmotion render` process's wall and CPU go (issue 15), as a preload:
//
//   node --import ./bench/cli-trace.mjs bin/stillmotion.mjs render --image in.jpg --motion "Zoom In" -o out.mp4
//
// On exit it writes to stderr the milliseconds since the process started at which: the vision
// thread was asked to warm up, each thread came online, ffmpeg was spawned, the look was asked
// for and answered, the drawing threads got their sources, the first frame reached ffmpeg,
// stdin closed and ffmpeg exited; then the CPU seconds of every thread of the process (from
// /proc/self/task, sampled every 50 ms so that threads that end are counted; threads are listed
// by id in the order they started: the main thread, V8's and libuv's helpers, then the vision
// and drawing threads, libvips), the same split at the first frame, and ffmpeg's CPU (waited-for
// children). Nothing in the engine knows about it: it wraps child_process.spawn, the ffmpeg
// child's stdin and Worker's messages.
import cp from 'node:child_process';
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import module from 'node:module';
import { isMainThread, Worker } from 'node:worker_threads';

if (isMainThread) {
  const marks = [];
  const mark = (what) => marks.push(`${performance.now().toFixed(0).padStart(6)} ms  ${what}`);
  mark('preload ran (node started)');

  /** CPU seconds (user + system) of each live thread, by id. */
  const threads = () => {
    const out = [];
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        // After the name: fields 14 and 15 (utime, stime), in 100 Hz ticks.
        const f = stat.slice(close + 2).split(' ');
        out.push({ tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, close), s: (+f[11] + +f[12]) / 100 });
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return out;
  };
  const seen = new Map();
  const sample = () => {
    for (const t of threads()) seen.set(t.tid, t);
  };
  setInterval(sample, 50).unref();
  let atFirstFrame = '';

  const spawn = cp.spawn;
  cp.spawn = function traced(cmd, args, ...rest) {
    const name = String(cmd).split('/').pop();
    mark(`spawn ${name}`);
    const child = spawn.call(this, cmd, args, ...rest);
    if (name.includes('ffmpeg') && child.stdin) {
      let writes = 0;
      const write = child.stdin.write.bind(child.stdin);
      child.stdin.write = (chunk, ...r) => {
        if (++writes === 1) {
          mark(`first frame written (${chunk.length} B)`);
          sample();
          atFirstFrame = [...seen.values()].map((t) => `${t.tid}:${t.s.toFixed(2)}`).join(' ');
        }
        return write(chunk, ...r);
      };
      const end = child.stdin.end.bind(child.stdin);
      child.stdin.end = (...r) => {
        mark(`ffmpeg stdin closed after ${writes} writes`);
        return end(...r);
      };
      child.once('close', () => mark('ffmpeg exited'));
    }
    return child;
  };
  module.syncBuiltinESMExports();

  // The first message of each kind either way: warm-up, look, sources, frames.
  const kinds = new Set();
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function tracedPost(msg, ...r) {
    const kind = `post ${msg?.op ?? msg?.type}`;
    if (!kinds.has(kind)) kinds.add(kind) && mark(kind);
    return post.call(this, msg, ...r);
  };
  const emit = Worker.prototype.emit;
  Worker.prototype.emit = function tracedEmit(event, msg, ...r) {
    if (event === 'online') mark('a worker thread is online');
    if (event === 'message') {
      const kind =
        msg && 'vision' in msg ? `vision answered (${msg.vision?.subject ?? 'warm-up'})` : `reply ${msg?.type}`;
      if (!kinds.has(kind)) kinds.add(kind) && mark(kind);
    }
    return emit.call(this, event, msg, ...r);
  };

  process.on('exit', () => {
    sample();
    mark('exit');
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const children = (+f[13] + +f[14]) / 100;
    const all = [...seen.values()].sort((a, b) => a.tid - b.tid);
    const total = all.reduce((s, t) => s + t.s, 0);
    const lines = [
      ...marks,
      `CPU: this process ${total.toFixed(2)} s, ffmpeg (children) ${children.toFixed(2)} s; by thread id:`,
      `  ${all.map((t) => `${t.tid === process.pid ? 'main' : t.tid}${t.name === 'node' ? '' : ` (${t.name})`} ${t.s.toFixed(2)}`).join(', ')}`,
      `at the first frame: ${atFirstFrame}`,
    ];
    writeSync(2, `${lines.join('\n')}\n`);
  });
}
