/**
 * Camera control over HTTP: every dialect takes `camera`, `camera_control`, `camera_path`,
 * `focus` and `loop`, refuses bad ones with a 4xx naming the field in its own error shape,
 * records the resolved path in the task's params (and sending it back renders), exposes
 * each preset's path, and the OpenAPI document describes all of it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, startTestServer, waitForTask, type TestServer } from '../support/in-process.js';

type Mutate = (v: Record<string, unknown>) => Record<string, unknown>;

/** Bad camera controls and the field each must be named by (without the dialect's prefix). */
const BAD: [string, Mutate, string][] = [
  ['axis above 10', (v) => ({ ...v, camera: { zoom: 11 } }), 'camera.zoom'],
  ['axis of wrong type', (v) => ({ ...v, camera: { pan: 'left' } }), 'camera.pan'],
  ['unknown axis', (v) => ({ ...v, camera: { dolly: 2 } }), 'camera.dolly'],
  [
    'Kling type other than simple',
    (v) => ({ ...v, camera_control: { type: 'forward_up', config: {} } }),
    'camera_control.type',
  ],
  [
    'Kling axis below −10',
    (v) => ({ ...v, camera_control: { type: 'simple', config: { tilt: -12 } } }),
    'camera_control.config.tilt',
  ],
  [
    'camera and camera_control together',
    (v) => ({ ...v, camera: { pan: 1 }, camera_control: { type: 'simple', config: { pan: 1 } } }),
    'camera_control',
  ],
  [
    'keyframe times going backwards',
    (v) => ({ ...v, camera_path: { keyframes: [{ t: 0 }, { t: 0.5 }, { t: 0.4 }] } }),
    'camera_path.keyframes[2].t',
  ],
  [
    'keyframe t above 1',
    (v) => ({ ...v, camera_path: { keyframes: [{ t: 0 }, { t: 1.5 }] } }),
    'camera_path.keyframes[1].t',
  ],
  ['keyframe without t', (v) => ({ ...v, camera_path: { keyframes: [{ zoom: 1.2 }] } }), 'camera_path.keyframes[0].t'],
  [
    'keyframe zoom out of bounds',
    (v) => ({ ...v, camera_path: { keyframes: [{ t: 0 }, { t: 1, zoom: 20 }] } }),
    'camera_path.keyframes[1].zoom',
  ],
  ['no keyframes', (v) => ({ ...v, camera_path: { keyframes: [] } }), 'camera_path.keyframes'],
  [
    'too many keyframes',
    (v) => ({ ...v, camera_path: { keyframes: Array.from({ length: 602 }, (_, i) => ({ t: i / 602 })) } }),
    'camera_path.keyframes',
  ],
  ['unknown easing', (v) => ({ ...v, camera_path: { keyframes: [{ t: 0 }], easing: 'bouncy' } }), 'camera_path.easing'],
  ['focus outside the picture', (v) => ({ ...v, focus: { x: 1.2, y: 0.5 } }), 'focus.x'],
  ['loop that is not a boolean', (v) => ({ ...v, loop: 'yes' }), 'loop'],
  ['loop of a snap move', (v) => ({ ...v, loop: true, motion: 'Crash Zoom In' }), 'loop'],
  ['loop of a look', (v) => ({ ...v, loop: true, motion: 'VHS' }), 'loop'],
  ['loop with an end frame', (v) => ({ ...v, loop: true, endFrame: true }), 'loop'],
  [
    'looping path that does not return',
    (v) => ({ ...v, loop: true, camera_path: { keyframes: [{ t: 0 }, { t: 1, pan: 3 }] } }),
    'camera_path.keyframes[1].pan',
  ],
];

describe('camera control over HTTP', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    server = await startTestServer({}, { listen: false });
    image = await makeTestDataUri(320, 180);
  });
  after(async () => server.close());

  /** Each dialect: how a request is built from the generic fields, and how its error names a field. */
  const dialects: {
    name: string;
    post: (fields: Record<string, unknown>) => Promise<{ status: number; body: any }>;
    field: (body: any) => string;
    prefix: string;
  }[] = [
    {
      name: 'reseller',
      prefix: '',
      post: ({ motion, endFrame, ...rest }) =>
        server.post(
          `/higgsfield/generate`,
          {
            model: 'lite',
            prompt: '',
            image: endFrame ? [image, image] : [image],
            motion_id: motion ?? 'Dolly In',
            ...rest,
          },
          bearer(KEY_A),
        ),
      field: (b) => b.error.param,
    },
    {
      name: 'v1',
      prefix: 'params.',
      post: ({ motion, endFrame, ...rest }) =>
        server.post(
          `/v1/image2video/dop`,
          {
            params: {
              model: 'dop-lite',
              prompt: '',
              input_images: [{ type: 'image_url', image_url: image }],
              ...(endFrame ? { input_images_end: [{ type: 'image_url', image_url: image }] } : {}),
              motions: [{ id: motion ?? 'Dolly In' }],
              ...rest,
            },
          },
          bearer(KEY_A),
        ),
      field: (b) =>
        b.detail[0].loc
          .slice(1)
          .reduce((f: string, p: string | number) => (typeof p === 'number' ? `${f}[${p}]` : f ? `${f}.${p}` : p), ''),
    },
    {
      name: 'v2',
      prefix: '',
      post: ({ motion, endFrame, ...rest }) =>
        server.post(
          `/higgsfield-ai/dop/lite`,
          { image_url: image, ...(endFrame ? { end_image_url: image } : {}), motion_id: motion ?? 'Dolly In', ...rest },
          bearer(KEY_A),
        ),
      field: (b) =>
        b.detail[0].loc
          .slice(1)
          .reduce((f: string, p: string | number) => (typeof p === 'number' ? `${f}[${p}]` : f ? `${f}.${p}` : p), ''),
    },
  ];

  for (const d of dialects) {
    for (const [name, mutate, field] of BAD) {
      it(`${d.name}: ${name} → 4xx naming ${d.prefix}${field}`, async () => {
        const { status, body } = await d.post(mutate({}));
        assert.ok(status >= 400 && status < 500, `${status} ${JSON.stringify(body).slice(0, 300)}`);
        assert.equal(d.field(body), `${d.prefix}${field}`, JSON.stringify(body).slice(0, 400));
        assert.ok(JSON.stringify(body).includes(`${d.prefix}${field}`), 'the message names the field');
      });
    }
    it(`${d.name}: camera alone (no motion) is accepted`, async () => {
      const { status, body } = await d.post({ motion: undefined, camera: { pan: 3, zoom: 2 } });
      assert.equal(status, 200, JSON.stringify(body));
    });
  }

  it('reseller: camera alone renders only that move, records the resolved path, and the path sent back renders', async () => {
    const submit = await server.post(
      `/higgsfield/generate`,
      {
        model: 'lite',
        prompt: '',
        image: [image],
        width: 160,
        height: 90,
        duration: 2,
        fps: 12,
        camera_control: { type: 'simple', config: { zoom: -5, tilt: 4 } },
        focus: { x: 0.3, y: 0.6 },
        loop: true,
      },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const done = await waitForTask(server, submit.body.id, KEY_A);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    assert.equal(done.params.motions[0].name, 'Static', 'no preset underneath');
    assert.deepEqual(done.params.focus, { x: 0.3, y: 0.6 });
    assert.equal(done.params.loop, true);
    const path = done.params.camera_path;
    assert.equal(path.easing, 'linear');
    const [first, last] = [path.keyframes[0], path.keyframes[path.keyframes.length - 1]];
    assert.equal(first.t, 0);
    assert.equal(last.t, 1);
    assert.deepEqual({ ...last, t: 0 }, first, 'a loop ends where it starts');
    // Kling's zoom −5 is a zoom in, its tilt 4 our pan: both move half-way there and back.
    const mid = path.keyframes.reduce((a: any, k: any) => (Math.abs(k.t - 0.5) < Math.abs(a.t - 0.5) ? k : a));
    assert.ok(mid.zoom > 1.2 && mid.pan > 1.5, JSON.stringify(mid));

    const again = await server.post(
      `/higgsfield/generate`,
      {
        model: 'lite',
        prompt: '',
        image: [image],
        width: 160,
        height: 90,
        duration: 2,
        fps: 12,
        camera_path: path,
        focus: done.params.focus,
        loop: true,
      },
      bearer(KEY_A),
    );
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const redone = await waitForTask(server, again.body.id, KEY_A);
    assert.equal(redone.jobs[0].status, 'completed');
    assert.equal(redone.params.camera_path.keyframes.length, path.keyframes.length);
    redone.params.camera_path.keyframes.forEach((k: any, i: number) => {
      for (const [key, v] of Object.entries(k))
        assert.ok(Math.abs((v as number) - path.keyframes[i][key]) < 1e-5, `keyframe ${i} ${key}`);
    });
  });

  it('GET /higgsfield/tpl/motions/{id} gives the preset path in the camera_path format, and whether it loops', async () => {
    const dolly = await server.get(`/higgsfield/tpl/motions/dolly-in`, bearer(KEY_A));
    assert.equal(dolly.status, 200, JSON.stringify(dolly.body));
    assert.equal(dolly.body.name, 'Dolly In');
    const keys = dolly.body.params.camera_path.keyframes;
    assert.ok(keys.length >= 2 && keys[0].t === 0 && keys[keys.length - 1].t === 1);
    assert.ok(keys[keys.length - 1].z > 0.25, 'a dolly travels forward');
    assert.equal(dolly.body.params.loop, true);
    const crash = await server.get(`/higgsfield/tpl/motions/crash-zoom-in`, bearer(KEY_A));
    assert.equal(crash.body.params.loop, false);
    assert.match(crash.body.params.loop_refused, /snap/);
    const missing = await server.get(`/higgsfield/tpl/motions/no-such-motion`, bearer(KEY_A));
    assert.equal(missing.status, 404);
    // The preset's path is accepted as a camera_path.
    const submit = await server.post(
      `/higgsfield/generate`,
      { model: 'lite', prompt: '', image: [image], camera_path: dolly.body.params.camera_path },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
  });

  it('the OpenAPI document describes the camera fields on every dialect and the motion path', async () => {
    const doc = (await server.get(`/openapi.json`, {})).body;
    const bodyOf = (path: string) => {
      const schema = doc.paths[path].post.requestBody.content['application/json'].schema;
      return schema.properties.params?.properties ?? schema.properties;
    };
    // v1's route reads its body by shape; the document lists the shapes (wrapped `params` first).
    const v1 =
      doc.paths['/v1/image2video/dop'].post.requestBody.content['application/json'].schema.anyOf[0].properties.params
        .properties;
    for (const props of [bodyOf('/higgsfield/generate'), bodyOf('/higgsfield-ai/dop/turbo'), v1]) {
      for (const f of ['camera', 'camera_control', 'camera_path', 'focus', 'loop'])
        assert.ok(props[f], `${f} is described`);
      assert.deepEqual(Object.keys(props.camera.properties).sort(), [
        'horizontal',
        'pan',
        'roll',
        'tilt',
        'vertical',
        'zoom',
      ]);
      assert.equal(props.camera.properties.zoom.maximum, 10);
      assert.match(props.camera.properties.pan.description, /1°/);
      assert.equal(props.camera_path.properties.keyframes.items.properties.t.maximum, 1);
      assert.ok(props.camera_path.properties.keyframes.maxItems > 0);
    }
    assert.ok(doc.paths['/higgsfield/tpl/motions/{motion_id}']?.get, 'the motion detail route is documented');
  });
});
