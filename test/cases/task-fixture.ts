/**
 * Task records for the case suites.
 */
import { randomUUID } from 'node:crypto';
import type { Task } from '../../src/core/task.js';

/** A queued task with only the required fields; `overrides` replace any of them. */
export function makeTask(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    jobId: `${id}-job`,
    ownerKeyId: 'key-a',
    dialect: 'reseller',
    status: 'queued',
    progress: 0,
    attempts: 0,
    params: {
      model: 'turbo',
      motions: [{ id: 'motion-1', name: 'Dolly In', strength: 0.5 }],
      prompt: 'a lighthouse at dusk',
      enhancePrompt: true,
      seed: 4242,
      images: [
        {
          id: 'img-1',
          mediaKey: `inputs/${id}/0.png`,
          contentType: 'image/png',
          width: 640,
          height: 480,
          bytes: 12345,
        },
      ],
    },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** A finished task with every optional field set, to prove nothing is dropped on the way. */
export function makeFullTask(overrides: Partial<Task> = {}): Task {
  const base = makeTask(overrides);
  return {
    ...base,
    dialect: 'v1',
    status: 'completed',
    progress: 0.375,
    attempts: 2,
    params: {
      ...base.params,
      model: 'standard',
      motions: [
        { id: 'd6c4b3a1', name: 'Crash Zoom In', strength: 1 },
        { id: 'a1b2', name: 'Handheld', strength: 0.25 },
      ],
      prompt: 'slowly, to the left — «dramatic» 🎥 "quoted" \\ backslash',
      enhancePrompt: false,
      seed: 1_000_000,
      width: 1280,
      height: 720,
      duration: 5,
      fps: 24,
      images: [
        {
          id: 'img-1',
          mediaKey: `inputs/${base.id}/0.jpg`,
          contentType: 'image/jpeg',
          width: 4000,
          height: 3000,
          bytes: 2_000_000,
          sourceUrl: 'https://example.com/a.jpg?x=1&y=2',
        },
        {
          id: 'img-2',
          mediaKey: `inputs/${base.id}/1.webp`,
          contentType: 'image/webp',
          width: 800,
          height: 600,
          bytes: 50_000,
        },
      ],
      checkNsfw: true,
    },
    resolved: {
      width: 1280,
      height: 720,
      fps: 24,
      frames: 120,
      duration: 5,
      enhancedPrompt: 'a slow dramatic pan',
      modifiers: { speed: 0.5, direction: 'left', nested: { list: [1, 'two', null] } },
    },
    results: {
      raw: { key: `${base.id}/raw.mp4`, contentType: 'video/mp4', bytes: 987654 },
      min: { key: `${base.id}/min.mp4`, contentType: 'video/mp4', bytes: 12345 },
      poster: { key: `${base.id}/poster.jpg`, contentType: 'image/jpeg', bytes: 3456 },
    },
    error: { code: 'render_failed', message: 'first attempt failed' },
    webhook: { url: 'https://hooks.example.com/x', secret: 's3cr3t', baseUrl: 'https://motion.example.com' },
    idempotencyKey: 'idem-123',
    requestFingerprint: 'sha256:0f1e2d',
    upstream: {
      engine: 'higgsfield',
      state: 'accepted',
      endpoint: '/higgsfield-ai/dop/standard',
      requestId: 'req-1',
      submittedAt: 1_700_000_001_500,
    },
    createdAt: 1_700_000_000_123,
    updatedAt: 1_700_000_005_000,
    startedAt: 1_700_000_001_000,
    finishedAt: 1_700_000_004_999,
    ...overrides,
  };
}
