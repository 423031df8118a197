/**
 * Which catalogue motions this engine renders, and why not the others. Cheap: a map
 * lookup per call, the catalogue read once.
 */
import { MotionCatalogue } from '../../catalogue/motion-catalogue.js';
import type { Renderability } from '../../core/ports.js';
import { findMotionDefinition } from './motion-definitions.js';

let catalogue: MotionCatalogue | undefined;
const cache = new Map<string, Renderability>();

/** Engines that can render what this one refuses (effects are generative). */
export const EFFECT_ENGINES = ['higgsfield'];

/** Whether the local engine renders `motionName`, with a reason when it does not. */
export function localRenderability(motionName: string): Renderability {
  const key = motionName.trim().toLowerCase();
  const hit = cache.get(key);
  if (hit) return hit;
  let result: Renderability;
  if (findMotionDefinition(motionName)) result = { renderable: true };
  else {
    catalogue ??= MotionCatalogue.load();
    const record = catalogue.resolve(motionName);
    result =
      record?.kind === 'effect'
        ? {
            renderable: false,
            reason: `"${record.name}" is a generative effect; the local engine only moves a camera over the picture and cannot render it honestly`,
            engines: EFFECT_ENGINES,
          }
        : {
            renderable: false,
            reason: `the local engine has no definition for "${motionName}"`,
            engines: record ? EFFECT_ENGINES : [],
          };
  }
  cache.set(key, result);
  return result;
}
