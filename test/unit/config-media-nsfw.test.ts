/** MEDIA / S3_* / MEDIA_URLS and NSFW_* settings: defaults, and refusals that name the setting. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('media store settings', () => {
  test('the default is the folder store', () => {
    assert.deepEqual(loadConfig({}).media, { kind: 'fs' });
  });

  test('MEDIA=s3 with an endpoint: path style by default, prefix normalised, proxy URLs', () => {
    const { media } = loadConfig({
      MEDIA: 's3',
      S3_BUCKET: 'stillmotion',
      S3_ENDPOINT: 'http://minio:9000',
      S3_PREFIX: 'prod/eu',
    });
    assert.deepEqual(media, {
      kind: 's3',
      bucket: 'stillmotion',
      prefix: 'prod/eu/',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      region: 'us-east-1',
      urls: 'proxy',
      presignTtlSeconds: 300,
    });
  });

  test('AWS: virtual-host style, the region from S3_REGION or AWS_REGION', () => {
    const aws = loadConfig({
      MEDIA: 's3',
      S3_BUCKET: 'acme-media',
      AWS_REGION: 'eu-west-1',
      MEDIA_URLS: 'presigned',
    }).media;
    assert.deepEqual(aws.kind === 's3' && [aws.forcePathStyle, aws.region, aws.urls, aws.endpoint], [
      false,
      'eu-west-1',
      'presigned',
      undefined,
    ]);
    const explicit = loadConfig({
      MEDIA: 's3',
      S3_BUCKET: 'acme-media',
      AWS_REGION: 'eu-west-1',
      S3_REGION: 'us-west-2',
    }).media;
    assert.equal(explicit.kind === 's3' && explicit.region, 'us-west-2');
  });

  test('bad values are refused, naming the setting', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ MEDIA: 'nfs' }, /MEDIA must be one of fs, s3/],
      [{ MEDIA: 's3' }, /S3_BUCKET is required/],
      [{ MEDIA: 's3', S3_BUCKET: 'Bad_Bucket' }, /S3_BUCKET is not a valid bucket name/],
      [{ MEDIA: 's3', S3_BUCKET: 'ok-bucket', S3_PREFIX: 'a/../b' }, /S3_PREFIX/],
      [{ MEDIA: 's3', S3_BUCKET: 'ok-bucket', S3_ENDPOINT: 'ftp://x' }, /S3_ENDPOINT must be a http: or https: URL/],
      [{ MEDIA: 's3', S3_BUCKET: 'ok-bucket', MEDIA_URLS: 'cdn' }, /MEDIA_URLS must be one of proxy, presigned/],
      [{ MEDIA_URLS: 'presigned' }, /MEDIA_URLS=presigned needs MEDIA=s3/],
    ];
    for (const [env, message] of bad)
      assert.throws(
        () => loadConfig(env),
        (e) => e instanceof ConfigError && message.test(e.message),
        JSON.stringify(env),
      );
  });
});

describe('content check settings', () => {
  test('off at 0.8 by default; the mode and threshold as given', () => {
    assert.deepEqual(loadConfig({}).nsfw, { mode: 'off', threshold: 0.8 });
    assert.deepEqual(loadConfig({ NSFW_CHECK: 'block', NSFW_THRESHOLD: '0.65' }).nsfw, {
      mode: 'block',
      threshold: 0.65,
    });
  });

  test('a threshold outside (0, 1] or not a number is refused', () => {
    for (const raw of ['0', '1.5', 'high', '-0.2', '0.5.1']) {
      assert.throws(
        () => loadConfig({ NSFW_THRESHOLD: raw }),
        (e) => e instanceof ConfigError && /NSFW_THRESHOLD/.test(e.message),
        raw,
      );
    }
    assert.throws(() => loadConfig({ NSFW_CHECK: 'strict' }), /NSFW_CHECK must be one of off, flag, block/);
  });
});
