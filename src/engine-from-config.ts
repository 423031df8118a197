import { createHiggsfieldEngine, type RelayTimings } from './adapters/higgsfield/create-higgsfield-engine.js';
import type { RelayLogger } from './adapters/higgsfield/higgsfield-engine.js';
import type { MotionCatalogue } from './catalogue/motion-catalogue.js';
import type { Config } from './config.js';
import type { Engine } from './core/ports.js';
import { RoutingEngine } from './core/routing-engine.js';
import { createLocalEngine } from './engine/index.js';

/**
 * The engine of a process, from its configuration: the local renderer, and — with
 * Higgsfield credentials — a router that sends effects (or, with ENGINE_ROUTING=higgsfield,
 * everything) to the cloud relay.
 */
export function engineFromConfig(
  config: Config,
  relay: { catalogue: MotionCatalogue; logger: RelayLogger; timings?: RelayTimings | undefined },
): Engine {
  const local = createLocalEngine({
    ...(config.ffmpegPath && { ffmpegPath: config.ffmpegPath }),
    renderThreads: config.renderThreads,
    maxImagePixels: config.maxImagePixels,
  });
  // A process that renders starts the engine's threads (frame workers, the vision thread and
  // its models) here, at the top of its start-up, so they load in the background while the
  // database and the HTTP server come up; its first task then finds them ready instead of
  // racing them. (TaskRunner.start warms too; warming is idempotent.)
  if (config.workerConcurrency > 0) local.warm();
  if (!config.higgsfield) return local;
  const cloud = createHiggsfieldEngine(config.higgsfield, {
    catalogue: relay.catalogue,
    logger: relay.logger,
    allowPrivateUrls: config.allowPrivateUrls,
    ...(config.ffmpegPath && { ffmpegPath: config.ffmpegPath }),
    ...(relay.timings && { timings: relay.timings }),
  });
  return new RoutingEngine(local, cloud, config.engineRouting);
}
