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
