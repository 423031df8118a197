/** The local motion engine's public surface. */
export { createLocalEngine, type LocalEngine, type LocalEngineOptions } from './local-engine.js';
export { renderMotionPreview, type MotionPreviewOptions } from './previews/motion-preview.js';
export { makeSampleImage } from './previews/sample-image.js';
export { loadPreviewPicture, type PreviewPicture } from './previews/preview-picture.js';
export { localRenderability } from './motion/motion-support.js';
export { findMotionDefinition, definedMotionNames } from './motion/motion-definitions.js';
