export type { FrameLook, LookName, PathLook } from './types.js';
export { planLook, type LookFrameInput, type PlannedLook } from './plan.js';
export { LookPainter } from './paint.js';
