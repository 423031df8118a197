/** Which engine renders what, per ENGINE_ROUTING, and which lane (slots) the task waits in. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine } from '../../src/core/ports.js';
import { RoutingEngine } from '../../src/core/routing-engine.js';

function standIn(name: string, renders: (motion: string) => boolean): Engine {
  return {
    name,
    canRender: (motion) =>
      renders(motion) ? { renderable: true } : { renderable: false, reason: `${name} cannot`, engines: ['higgsfield'] },
    render: async () => ({
      raw: 'r',
      min: 'm',
      poster: 'p',
      resolved: { width: 1, height: 1, fps: 1, frames: 1, duration: 1 },
    }),
  };
}

const local: Engine = {
  ...standIn('local', (m) => m === 'Dolly In'),
  canLoop: () => ({ loopable: true }),
  presetPath: () => ({ easing: 'smooth', keyframes: [{ t: 0 }, { t: 1, zoom: 1.2 }] }),
  controlsCamera: () => true,
};
const cloud = standIn('higgsfield', () => true);

describe('RoutingEngine', () => {
  it('auto: camera moves local, effects (or a task mixing both) to the cloud, on the relay lane', () => {
    const router = new RoutingEngine(local, cloud, 'auto');
    assert.equal(router.engineFor(['Dolly In']), 'local');
    assert.equal(router.laneFor(['Dolly In']), 'render');
    assert.equal(router.engineFor(['Set on Fire']), 'higgsfield');
    assert.equal(router.engineFor(['Dolly In', 'Set on Fire']), 'higgsfield');
    assert.equal(router.laneFor(['Set on Fire']), 'relay');
    assert.equal(router.canRender('Set on Fire').renderable, true);
  });

  it('local: effects stay refused, and the reason names the routing', () => {
    const router = new RoutingEngine(local, cloud, 'local');
    const verdict = router.canRender('Set on Fire');
    assert.equal(verdict.renderable, false);
    assert.match(verdict.renderable ? '' : verdict.reason, /ENGINE_ROUTING=local/);
    assert.equal(router.laneFor(['Set on Fire']), 'render');
    assert.equal(router.name, 'local');
  });

  it('higgsfield: everything goes to the cloud', () => {
    const router = new RoutingEngine(local, cloud, 'higgsfield');
    assert.equal(router.engineFor(['Dolly In']), 'higgsfield');
    assert.equal(router.laneFor(['Dolly In']), 'relay');
  });

  it('render records which engine rendered it', async () => {
    const router = new RoutingEngine(local, cloud, 'auto');
    const context = { workDir: '/tmp', signal: new AbortController().signal, onProgress: () => undefined };
    const job = { taskId: 't', model: 'lite' as const, prompt: '', enhancePrompt: false, seed: 1, images: [] };
    assert.equal(
      (await router.render({ ...job, motions: [{ name: 'Dolly In', strength: 1 }] }, context)).resolved.engine,
      'local',
    );
    assert.equal(
      (await router.render({ ...job, motions: [{ name: 'Set on Fire', strength: 1 }] }, context)).resolved.engine,
      'higgsfield',
    );
  });

  it('loops, preset paths and camera control follow the motion to its engine', () => {
    const auto = new RoutingEngine(local, cloud, 'auto');
    assert.deepEqual(auto.canLoop('Dolly In'), { loopable: true });
    assert.ok(auto.presetPath('Dolly In'));
    assert.equal(auto.controlsCamera(['Dolly In']), true);
    // The cloud takes no camera control: the core refuses the fields instead of dropping them.
    assert.equal(auto.canLoop('Set on Fire').loopable, false);
    assert.equal(auto.presetPath('Set on Fire'), undefined);
    assert.equal(auto.controlsCamera(['Dolly In', 'Set on Fire']), false);
    assert.equal(new RoutingEngine(local, cloud, 'higgsfield').controlsCamera(['Dolly In']), false);
  });
});
