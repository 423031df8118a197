/**
 * The vision models' files, read from the repository's `models/` folder (weights carried
 * from an npm package with their licences, see models/NOTICE.md) and loaded into tfjs once
 * per process, on first use. Nothing is fetched: the graph and its weights come from disk
 * through `tf.io.fromMemory`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { GraphModel } from '@tensorflow/tfjs';
import { tfReady } from './tf-runtime.js';

/** The model files this project carries (name → `models/<name>.json` + its `.bin`). */
export type ModelName = 'selfie' | 'blazeface-back' | 'nanodet';

const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

const loaded = new Map<ModelName, Promise<GraphModel>>();
let loads = 0;

/** How many times a model file was read and parsed in this process (tests check it stays 1 per model). */
export function modelLoadCount(): number {
  return loads;
}

/** A model's `.json` as read from disk (what an `edit` may change before tfjs parses it). */
export interface GraphJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: { node: GraphNode[] } & Record<string, unknown>;
  signature?: object;
  userDefinedMetadata?: { signature?: object };
  weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
}

/** One node of a graph model's topology (the TensorFlow NodeDef as JSON). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** A change made to a model's graph in memory as it loads (the file stays as carried). */
export type GraphEdit = (json: GraphJson) => void;

async function load(name: ModelName, edit?: GraphEdit): Promise<GraphModel> {
  const tf = await tfReady();
  const json = JSON.parse(await readFile(`${MODELS_DIR}${name}.json`, 'utf8')) as GraphJson;
  edit?.(json);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(`${MODELS_DIR}${p}`)),
  );
  const all = Buffer.concat(buffers);
  // A Buffer this large owns its ArrayBuffer whole (no pool slice), so no copy is needed.
  const weightData = (
    all.byteOffset === 0 && all.byteLength === all.buffer.byteLength
      ? all.buffer
      : all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)
  ) as ArrayBuffer;
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  const artifacts: import('@tensorflow/tfjs').io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    ...(json.format && { format: json.format }),
    ...(json.generatedBy && { generatedBy: json.generatedBy }),
    ...(json.convertedBy && { convertedBy: json.convertedBy }),
    ...(signature && { signature }),
  };
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  // The GraphModel keeps the artifacts it was loaded from (only for model.save(), which is
  // never called); its weights now live in the wasm heap as tensors, so the encoded copy
  // (7.5 MB for NanoDet) would only sit in the vision thread's JS heap for its lifetime.
  artifacts.weightData = undefined;
  loads++;
  return model;
}

/**
 * The named model, loaded on first call; later calls (and concurrent ones) share it. `edit`
 * (the same on every call for a name) changes the graph in memory before it is parsed.
 */
export function graphModel(name: ModelName, edit?: GraphEdit): Promise<GraphModel> {
  let p = loaded.get(name);
  if (!p) {
    p = load(name, edit).catch((error: unknown) => {
      loaded.delete(name);
      throw error;
    });
    loaded.set(name, p);
  }
  return p;
}
