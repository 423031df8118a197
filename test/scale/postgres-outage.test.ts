/**
 * The PostgreSQL connection drops under a running API node (a loopback proxy between the
 * node and the server is cut; the shared server itself is untouched): while it lasts the
 * API answers 503 `service_unavailable`, /readyz says unavailable, and once the network is
 * back the same node answers again without a restart.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, startTestServer, type TestServer } from '../support/in-process.js';
import { makeDeployment } from '../support/distributed.js';
import { TEST_DATABASE_URL, postgresSkipReason, redisSkipReason } from '../support/services.js';
import { startCuttableProxy, type CuttableProxy } from '../support/tcp-proxy.js';

const skipReason = (await postgresSkipReason()) ?? (await redisSkipReason());

describe('distributed mode: PostgreSQL connection drop', { skip: skipReason ?? false }, () => {
  const deployment = makeDeployment();
  let proxy: CuttableProxy | undefined;
  let server: TestServer | undefined;
  after(async () => {
    await server?.close();
    await proxy?.close();
    await deployment.cleanup();
  });

  it('the API answers 503 for the outage and recovers by itself', { timeout: 60_000 }, async () => {
    proxy = await startCuttableProxy(new URL(TEST_DATABASE_URL));
    const { DATA_DIR: _ignored, ...env } = deployment.env;
    server = await startTestServer({ ...env, DATABASE_URL: proxy.url, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'silent' });
    const base = server.baseUrl;
    const body = { model: 'lite', motion_id: 'Dolly In', prompt: '', image: [await makeTestDataUri(160, 90)] };

    const submitted = await postJson(`${base}/higgsfield/generate`, body, bearer(KEY_A));
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const id = submitted.body.id as string;
    assert.equal((await getJson(`${base}/higgsfield/feed/${id}`, bearer(KEY_A))).status, 200);

    proxy.cut();
    const feed = await getJson(`${base}/higgsfield/feed/${id}`, bearer(KEY_A));
    assert.equal(feed.status, 503, JSON.stringify(feed.body));
    assert.match(JSON.stringify(feed.body), /unreachable|unavailable/i);
    assert.equal(
      (await postJson(`${base}/higgsfield/generate`, body, bearer(KEY_A))).status,
      503,
      'no task accepted that cannot be stored',
    );
    assert.equal((await getJson(`${base}/readyz`, {})).status, 503);
    assert.equal(
      (await getJson(`${base}/healthz`, {})).status,
      200,
      'alive all the same: an orchestrator should not restart it',
    );

    proxy.restore();
    const back = await getJson(`${base}/higgsfield/feed/${id}`, bearer(KEY_A));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.id, id);
    assert.equal((await getJson(`${base}/readyz`, {})).status, 200);
    const again = await postJson(`${base}/higgsfield/generate`, body, bearer(KEY_A));
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
