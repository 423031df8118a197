/**
 * The one TensorFlow.js runtime of the process: `@tensorflow/tfjs` on the WebAssembly backend.
 *
 * Why wasm: `@tensorflow/tfjs-node` downloads libtensorflow at install time (not allowed
 * here), the plain CPU backend is several times slower on convolutions, and
 * `@tensorflow/tfjs-backend-wasm` ships its `.wasm` files inside the npm package, so nothing is
 * fetched at install or run time. The files are resolved from node_modules (wherever the
 * package manager put the package), never from a CDN.
 *
 * Shared by the vision models (src/vision/) and the NSFW check: both call `tfReady()`, which
 * initialises the backend once per process and hands back the `tf` namespace.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * What the runtime hands back: tfjs-core (tensors, ops, io, backends) and the converter's
 * `loadGraphModel`, the only parts the vision models and the NSFW check use. The
 * `@tensorflow/tfjs` bundle would add tfjs-layers and tfjs-data, ~20 MB resident in every
 * thread that imports it and never used by a graph model (the 24 MP render's peak with the
 * vision thread: 618–653 MB with the bundle, 583–596 MB without).
 */
type Tf = typeof import('@tensorflow/tfjs-core') & {
  loadGraphModel: typeof import('@tensorflow/tfjs-converter').loadGraphModel;
};

let ready: Promise<Tf> | undefined;

/** Initialises the wasm backend once (later calls share the same promise) and returns `tf`. */
export async function tfReady(): Promise<Tf> {
  ready ??= init().catch((error: unknown) => {
    ready = undefined; // a failed start may be retried by the next caller
    throw error;
  });
  return ready;
}

async function init(): Promise<Tf> {
  // Loaded with require, not import(): the packages are CommonJS bundles (1.2 MB each), and
  // Node 20's ESM loader lexes every CommonJS file it loads for its export names, ~0.35 s
  // of CPU for these three (against ~0.08 s through require) at the start of every vision
  // thread, where it delayed the first look.
  const require = createRequire(import.meta.url);
  const core = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
  const { loadGraphModel } = require('@tensorflow/tfjs-converter') as typeof import('@tensorflow/tfjs-converter');
  const tf: Tf = { ...core, loadGraphModel };
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // The package's main file lives in its dist/ folder next to the .wasm files.
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(distDir + path.sep);
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs: the wasm backend failed to initialise');
  }
  await tf.ready();
  tf.enableProdMode();
  return tf;
}
