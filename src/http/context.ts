/**
 * What the HTTP layer gets from the composition root. Only `buildServer` sees all of it:
 * it hands each plugin its own narrow options (ResellerOptions, V1Options, V2Options,
 * UploadOptions, OpsOptions, MediaRouteOptions), so a route depends on the ports and
 * services it uses, never on a concrete adapter or the whole bag.
 */
import type { MotionCatalogue } from '../catalogue/motion-catalogue.js';
import type { ApiKeyRing } from '../auth/api-keys.js';
import type { Config } from '../config.js';
import type { Engine, MediaStore } from '../core/ports.js';
import type { TaskService } from '../core/task-service.js';
import type { Metrics } from './metrics.js';
import type { MotionPreviews } from './motion-previews.js';
import type { UploadTokens } from '../uploads/upload-tokens.js';

export interface HttpContext {
  config: Config;
  service: TaskService;
  catalogue: MotionCatalogue;
  engine: Engine;
  media: MediaStore;
  keys: ApiKeyRing;
  metrics: Metrics;
  previews: MotionPreviews;
  uploads: UploadTokens;
  /** Throws when a dependency (store, queue) is unreachable. */
  checkReady: () => Promise<void>;
}
