import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, isTerminal, TASK_STATUSES } from '../../src/core/task.js';
import { AppError, ERROR_CATALOGUE } from '../../src/core/errors.js';
import { mediaPrefixesOf } from '../../src/core/retention.js';
import type { Task } from '../../src/core/task.js';

describe('task state machine', () => {
  it('terminal states never move', () => {
    for (const from of TASK_STATUSES.filter(isTerminal)) {
      for (const to of TASK_STATUSES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });
  it('a queued task can start, be canceled or fail, but not complete without running', () => {
    assert.ok(canTransition('queued', 'in_progress'));
    assert.ok(canTransition('queued', 'canceled'));
    assert.equal(canTransition('queued', 'completed'), false);
    assert.ok(canTransition('in_progress', 'queued'), 'retry');
    assert.ok(canTransition('in_progress', 'completed'));
  });
});

describe('error catalogue', () => {
  it('every code maps to a 4xx or 5xx status, and 5xx only for server-side faults', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(spec.status >= 400 && spec.status < 600, code);
      // The upstream_* codes are a relayed task's outcome (faults of the cloud), never this server's answer to a request.
      const serverSide = ['service_unavailable', 'render_failed', 'render_timeout', 'attempts_exhausted', 'internal'];
      const upstream = [
        'upstream_unauthorized',
        'upstream_unavailable',
        'upstream_failed',
        'upstream_uncertain',
        'upstream_error',
      ];
      if (spec.status >= 500) assert.ok([...serverSide, ...upstream].includes(code), code);
    }
  });
  it('AppError carries code, status and field', () => {
    const e = new AppError('image_too_large', 'image[1]: too big', { field: 'image[1]' });
    assert.equal(e.status, 400);
    assert.equal(e.field, 'image[1]');
    assert.equal(e.retryable, false);
  });
});

describe('retention', () => {
  it('finds the media folders of inputs and results', () => {
    const task = {
      params: { images: [{ mediaKey: 'inputs/aa/0.png' }, { mediaKey: 'inputs/aa/1.png' }] },
      results: {
        raw: { key: 'results/bb/raw.mp4' },
        min: { key: 'results/bb/min.mp4' },
        poster: { key: 'results/bb/poster.jpg' },
      },
    } as unknown as Task;
    assert.deepEqual(mediaPrefixesOf(task).sort(), ['inputs/aa/', 'results/bb/']);
  });
  it('never names the shared previews folder, even when a task record points into it', () => {
    const task = {
      params: { images: [{ mediaKey: 'previews/sample-scene/dolly-in.webp' }, { mediaKey: 'inputs/aa/0.png' }] },
    } as unknown as Task;
    assert.deepEqual(mediaPrefixesOf(task), ['inputs/aa/']);
  });
});
