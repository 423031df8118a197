/**
 * Builds the `higgsfield` relay engine from the configuration: the API client with the
 * operator's credentials, and the two result fetchers (the upstream's own hosts trusted,
 * any other host through the SSRF guard).
 */
import type { MotionCatalogue } from '../../catalogue/motion-catalogue.js';
import type { HiggsfieldConfig } from '../../config.js';
import { createSafeFetcher } from '../../inputs/safe-fetch.js';
import { HiggsfieldApi } from './higgsfield-api.js';
import { HiggsfieldEngine, type HiggsfieldEngineOptions, type RelayLogger } from './higgsfield-engine.js';
import { upstreamHostTrust } from './result-media.js';

/** Test seams (production uses the defaults). */
export type RelayTimings = Pick<HiggsfieldEngineOptions, 'pollMs' | 'maxPollMs' | 'sleep' | 'random' | 'now'>;

export function createHiggsfieldEngine(
  config: HiggsfieldConfig,
  deps: {
    catalogue: MotionCatalogue;
    logger: RelayLogger;
    allowPrivateUrls: boolean;
    ffmpegPath?: string;
    timings?: RelayTimings;
  },
): HiggsfieldEngine {
  const limits = { timeoutMs: config.requestTimeoutMs, maxBytes: config.resultMaxBytes, maxRedirects: 3 };
  return new HiggsfieldEngine({
    api: new HiggsfieldApi({
      baseUrl: config.baseUrl,
      keyId: config.keyId,
      keySecret: config.keySecret,
      timeoutMs: config.requestTimeoutMs,
    }),
    catalogue: deps.catalogue,
    logger: deps.logger,
    results: {
      // The configured upstream is the operator's choice (it may be a loopback proxy).
      trusted: createSafeFetcher({ ...limits, allowPrivate: true, isAllowedAddress: () => true }),
      guarded: createSafeFetcher({ ...limits, allowPrivate: deps.allowPrivateUrls }),
      isTrusted: upstreamHostTrust(config.baseUrl),
    },
    pollMs: config.pollMs,
    ...(deps.ffmpegPath && { ffmpegPath: deps.ffmpegPath }),
    ...deps.timings,
  });
}
