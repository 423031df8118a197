import type { ModelTier } from '../../../core/task.js';

/** Platform model ids ↔ our tiers. `preview` is treated as `standard`. */
export const V1_MODELS = ['dop-lite', 'dop-turbo', 'dop-standard', 'dop-preview'] as const;
export type V1Model = (typeof V1_MODELS)[number];

export function tierOfV1Model(model: V1Model): ModelTier {
  return model === 'dop-lite' ? 'lite' : model === 'dop-turbo' ? 'turbo' : 'standard';
}

export const V2_TIERS = ['lite', 'turbo', 'standard', 'preview'] as const;
export type V2Tier = (typeof V2_TIERS)[number];

export function tierOfV2(tier: V2Tier): ModelTier {
  return tier === 'preview' ? 'standard' : tier;
}

/** When a platform request names no motion, the DoP default is a general camera move. */
export const DEFAULT_MOTION = 'General';

/** The motion of a request that sends camera control and no motion: nothing but that move. */
export const NO_PRESET = 'Static';
