/** The local motion engine's public surface. */
export { createLocalEngine, type LocalEngine, type LocalEngineOptions } from './local-engine.js';
export { renderMotionPreview, type MotionPreviewOptions } from './motion-preview.js';
export { makeSampleImage } from './sample-image.js';
export { loadPreviewPicture, type PreviewPicture } from './preview-picture.js';
export { localRenderability } from './motion-support.js';
export { findMotionDefinition, definedMotionNames } from './motion-definitions.js';
