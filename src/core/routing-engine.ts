/**
 * The engine the core sees when a cloud engine is configured: it sends each task to the
 * local renderer or to the cloud by its motions, and says which queue lane (which slots)
 * the task waits in. Depends only on the Engine port, so the core stays adapter-free.
 */
import type {
  Engine,
  EngineHealth,
  QueueLane,
  Renderability,
  RenderContext,
  RenderJob,
  RenderOutput,
} from './ports.js';
import type { CameraPathSpec } from './camera-request.js';
import type { Task } from './task.js';

/**
 * `auto`: a task whose every motion the local engine renders stays local; any other goes
 * to the cloud engine when there is one. `local`: never the cloud. `higgsfield`: always
 * the cloud.
 */
export type EngineRouting = 'auto' | 'local' | 'higgsfield';

export class RoutingEngine implements Engine {
  readonly name: string;
  readonly #local: Engine;
  readonly #cloud: Engine;
  readonly #routing: EngineRouting;

  constructor(local: Engine, cloud: Engine, routing: EngineRouting) {
    this.#local = local;
    this.#cloud = cloud;
    this.#routing = routing;
    this.name =
      routing === 'local' ? local.name : routing === 'higgsfield' ? cloud.name : `${local.name}+${cloud.name}`;
  }

  /** The engine a task with these motions goes to. */
  pick(motionNames: readonly string[]): Engine {
    if (this.#routing === 'local') return this.#local;
    if (this.#routing === 'higgsfield') return this.#cloud;
    return motionNames.every((name) => this.#local.canRender(name).renderable) ? this.#local : this.#cloud;
  }

  canRender(motionName: string): Renderability {
    if (this.#routing !== 'higgsfield') {
      const local = this.#local.canRender(motionName);
      if (local.renderable || this.#routing === 'local') {
        return local.renderable
          ? local
          : { ...local, reason: `${local.reason}; ENGINE_ROUTING=local keeps it off the ${this.#cloud.name} cloud` };
      }
    }
    return this.#cloud.canRender(motionName);
  }

  // Loops, preset paths and camera control belong to the engine the motion is routed to:
  // the cloud takes none of them, so a routed-away motion reports none.
  canLoop(
    motionName: string,
    options?: { ownPath?: boolean },
  ): { loopable: true } | { loopable: false; reason: string } {
    const engine = this.pick([motionName]);
    return (
      engine.canLoop?.(motionName, options) ?? { loopable: false, reason: `the ${engine.name} engine renders no loops` }
    );
  }

  presetPath(motionName: string): CameraPathSpec | undefined {
    return this.pick([motionName]).presetPath?.(motionName);
  }

  controlsCamera(motionNames: readonly string[]): boolean {
    return this.pick(motionNames).controlsCamera?.(motionNames) ?? false;
  }

  laneFor(motionNames: readonly string[]): QueueLane {
    return this.pick(motionNames) === this.#cloud ? 'relay' : 'render';
  }

  engineFor(motionNames: readonly string[]): string {
    return this.pick(motionNames).name;
  }

  async render(job: RenderJob, context: RenderContext): Promise<RenderOutput> {
    const engine = this.pick(job.motions.map((m) => m.name));
    const output = await engine.render(job, context);
    return { ...output, resolved: { ...output.resolved, engine: output.resolved.engine ?? engine.name } };
  }

  async cancelUpstream(task: Task): Promise<boolean> {
    return (await this.#cloud.cancelUpstream?.(task)) ?? false;
  }

  health(): EngineHealth | undefined {
    return this.#cloud.health?.();
  }

  warm(): void {
    this.#local.warm?.();
  }

  async close(): Promise<void> {
    await Promise.all([this.#local.close?.(), this.#cloud.close?.()]);
  }
}
