/**
 * The worker thread that runs MoveNet single-pose Lightning on the tfjs WebAssembly backend. Started by
 * MovenetThread on the first detection; it answers one InferenceRequest at a time.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { InferenceReply, InferenceRequest } from './movenet-protocol.js';
import {
  cropBox,
  MOVENET_INPUT_SIZE,
  paddedFrame,
  regionAroundPerson,
  toImagePoints,
  type ScoredPoint,
  type SquareRegion,
} from './movenet-regions.js';

const require = createRequire(import.meta.url);

async function loadMovenet(): Promise<GraphModel> {
  // The threaded wasm build does not initialise in Node; the single-threaded SIMD build does.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  setWasmPaths(path.dirname(wasmFile) + path.sep);
  await tf.setBackend('wasm');
  // Only resolved, never imported: the package's entry point loads tfjs-node.
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
  const [topology, weights] = await Promise.all([
    readFile(path.join(modelDir, 'movenet-lightning.json'), 'utf8'),
    readFile(path.join(modelDir, 'movenet-lightning.bin')),
  ]);
  const manifest = JSON.parse(topology) as tf.io.ModelJSON;
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

async function runPass(model: GraphModel, image: tf.Tensor4D, region: SquareRegion): Promise<ScoredPoint[]> {
  const [, height, width] = image.shape;
  const output = tf.tidy(() => {
    const crop = tf.image.cropAndResize(
      image,
      [cropBox(region, width, height)],
      [0],
      [MOVENET_INPUT_SIZE, MOVENET_INPUT_SIZE],
      'bilinear',
      0,
    );
    return model.execute(tf.cast(crop, 'int32')) as tf.Tensor;
  });
  const values = await output.data();
  output.dispose();
  return toImagePoints(values, region);
}

/** Two passes: the padded frame finds the person, the square around them places the joints precisely. */
async function detect(model: GraphModel, { pixels, width, height }: InferenceRequest): Promise<number[]> {
  const image = tf.tensor4d(pixels, [1, height, width, 3], 'int32');
  try {
    const found = await runPass(model, image, paddedFrame(width, height));
    const around = regionAroundPerson(found, width, height);
    const points = around ? await runPass(model, image, around) : found;
    return points.flatMap((point) => [point.x / width, point.y / height, point.score]);
  } finally {
    image.dispose();
  }
}

const port = parentPort;
if (!port) throw new Error('movenet-worker.ts runs as a worker thread, started by MovenetThread');
const model = loadMovenet();
// A failed load is reported on every request rather than crashing the thread.
model.catch(() => undefined);

port.on('message', (request: InferenceRequest) => {
  void model
    .then((loaded) => detect(loaded, request))
    .then(
      (keypoints): InferenceReply => ({ id: request.id, keypoints }),
      (error: unknown): InferenceReply => ({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    .then((reply) => port.postMessage(reply));
});
