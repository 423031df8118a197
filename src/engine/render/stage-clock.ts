/**
 * Where a render's preparation spends its time, stage by stage, for the benchmark
 * (bench/scene-prep.ts): `prepareRender`'s `onStage` installs a sink for the calls it makes
 * (AsyncLocalStorage, so two preparations in one process do not mix), and `timed` reports
 * each stage's wall and CPU time to it. Without a sink `timed` only calls through.
 *
 * The CPU time is the process's (every thread): a stage's figure is its own only while
 * nothing else runs beside it (the vision thread looks while level 0 is decoded, so those
 * two overlap). Stages nest: a stage's time includes the stages timed inside it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface StageTime {
  stage: string;
  wallMs: number;
  cpuMs: number;
}
export type StageSink = (time: StageTime) => void;

const sinks = new AsyncLocalStorage<StageSink>();

/** Runs `f` with `sink` receiving the stages timed inside it (directly when there is none). */
export function withStageClock<T>(sink: StageSink | undefined, f: () => Promise<T>): Promise<T> {
  return sink ? sinks.run(sink, f) : f();
}

/** Calls `f` (sync or async) and reports its time as `stage` when a sink is installed. */
export function timed<T>(stage: string, f: () => T): T {
  const sink = sinks.getStore();
  if (!sink) return f();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const done = (): void => {
    const u = process.cpuUsage(cpu);
    sink({ stage, wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 });
  };
  const out = f();
  if (out instanceof Promise) return out.finally(done) as T;
  done();
  return out;
}

/** Whether stages are being timed here (a thread that times for this one is told to). */
export function timing(): boolean {
  return sinks.getStore() !== undefined;
}

/** Passes on stages timed elsewhere (another thread's work for this one) to the sink here. */
export function reportStages(times: StageTime[]): void {
  const sink = sinks.getStore();
  if (sink) for (const t of times) sink(t);
}
