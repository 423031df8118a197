import type { Config } from './config.js';
import type { Engine } from './core/ports.js';
import { createLocalEngine } from './engine/index.js';

/** The default engine for a process, from its configuration. */
export function engineFromConfig(config: Config): Engine {
  return createLocalEngine({
    ...(config.ffmpegPath && { ffmpegPath: config.ffmpegPath }),
    renderThreads: config.renderThreads,
    maxImagePixels: config.maxImagePixels,
  });
}
