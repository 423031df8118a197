/**
 * The playground in a real browser: Debian's chromium driven by playwright-core against
 * the real server (in this process, real HTTP). It enters the key, uploads a picture,
 * picks a motion, generates, and checks the video actually plays; it checks an API error
 * lands next to the field it names, that the page fits a phone, and that the page never
 * contacts another host. Screenshots go to .test-artifacts/ to be looked at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeTestPng } from '../support/images.js';
import { KEY_A, startTestServer, type TestServer } from '../support/in-process.js';

/** What the page-side callbacks read (the root tsconfig has no DOM lib, rightly). */
interface VideoLike {
  currentTime: number;
  readyState: number;
  videoWidth: number;
  videoHeight: number;
}
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
}

/** Polls `check` until it holds; the browser does the waiting, this only asks. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = '.test-artifacts';
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests`;

describe('playground page in chromium', { skip, timeout: 300_000 }, () => {
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    profile = mkdtempSync(join(tmpdir(), 'stillmotion-chromium-'));
    // A persistent context is how playwright takes a user-data-dir of our choosing.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(server.baseUrl) && !/^(data|blob):/.test(url)) foreignRequests.push(url);
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.baseUrl);
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the key loads the gallery: one card per motion name, unrenderable ones greyed with the engine they need', async () => {
    await page.getByLabel('API key').fill(KEY_A);
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.locator('.motion-card').first().waitFor();

    const names = await page.locator('.motion-card .motion-name').allTextContents();
    assert.equal(new Set(names).size, names.length, 'one card per name');
    assert.ok(names.includes('Dolly In'));
    const unrenderable = page.locator('.motion-card.unrenderable').first();
    assert.match((await unrenderable.locator('.needs').textContent()) ?? '', /^needs: higgsfield/);
    assert.ok(await unrenderable.locator('input').isDisabled(), 'an unrenderable motion cannot be chosen');

    // Filter down to a handful and wait for their previews (rendered by our engine on demand).
    await page.getByLabel('Search').fill('dolly');
    const cards = page.locator('.motion-card:not([hidden])');
    assert.ok((await cards.count()) >= 4);
    await until(
      'the previews to load',
      () =>
        cards
          .locator('img')
          .evaluateAll((imgs) =>
            imgs.every((img) => (img as ImageLike).complete && (img as ImageLike).naturalWidth > 0),
          ),
      120_000,
    );
    await page.locator('.gallery').screenshot({ path: join(ARTIFACTS, 'playground-gallery.png') });

    // Kind filter: effects only.
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Category').selectOption('kind:effect');
    const kinds = await page.locator('.motion-card:not([hidden]) .motion-meta').allTextContents();
    assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith('effect')));
    await page.getByLabel('Category').selectOption('');
  });

  test('an API error is shown next to the field it names', async () => {
    await page
      .locator('#image-0')
      .setInputFiles({ name: 'test.png', mimeType: 'image/png', buffer: await makeTestPng(320, 180) });
    await page.locator('.slot[data-slot="0"] .thumb').waitFor();
    await page.getByLabel('Search').fill('dolly in');
    await page.locator('.motion-card[data-name="Dolly In"]').click();
    await page.getByLabel('Seed', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Generate' }).click();

    const error = page.locator('#seed-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', />= 1/);
    assert.equal(await page.locator('#seed').getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#form-error').isHidden(), 'the message is at the seed, not at the form');
  });

  test('generates from an uploaded picture and plays the video inline', async () => {
    await page.getByRole('button', { name: 'Re-roll seed' }).click();
    assert.ok(Number(await page.locator('#seed').inputValue()) >= 1);
    await page.locator('input[name=model][value=lite]').check();
    await page.getByLabel('Size').selectOption('custom');
    await page.getByLabel('Width').fill('320');
    await page.getByLabel('Height').fill('180');
    await page.locator('.advanced summary').click();
    await page.getByLabel('Duration (s)').fill('2');
    await page.getByLabel('FPS').fill('12');
    await page.getByLabel('Prompt').fill('slowly push in');
    await page.getByRole('button', { name: 'Generate' }).click();
    assert.ok(await page.locator('#seed-error').isHidden(), 'fixing the seed cleared its message');

    const video = page.locator('#player video');
    await video.waitFor({ timeout: 120_000 });
    assert.equal(await page.locator('#status').textContent(), 'Done.');
    // It must really play: currentTime moves forward.
    const state = () =>
      video.evaluate((v) => {
        const { currentTime, readyState, videoWidth, videoHeight } = v as VideoLike;
        return { currentTime, readyState, videoWidth, videoHeight };
      });
    await until('the video to have data', async () => (await state()).readyState >= 2);
    const t0 = (await state()).currentTime;
    await until('the video to play', async () => (await state()).currentTime > t0 + 0.2, 15_000);
    const { videoWidth, videoHeight } = await state();
    const size = [videoWidth, videoHeight];
    assert.deepEqual(size, [320, 180]);

    const links = page.locator('.downloads a');
    assert.deepEqual(await links.allTextContents(), ['Download raw (full quality)', 'Download min (small preview)']);
    for (const href of await links.evaluateAll((as) => as.map((a) => (a as { href: string }).href))) {
      const res = await fetch(href, { method: 'HEAD' });
      assert.equal(res.headers.get('content-type'), 'video/mp4', href);
    }

    // The history lists it with its parameters.
    const item = page.locator('.history-item').first();
    await item.locator('.badge.completed').waitFor({ timeout: 10_000 });
    assert.match((await item.textContent()) ?? '', /Dolly In.*lite.*320×180/s);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-result.png'), fullPage: true });
  });

  test('tweak loads a past task back into the form', async () => {
    await page.getByLabel('Prompt').fill('something else');
    await page.locator('input[name=model][value=standard]').check();
    await page
      .locator('.history-item')
      .first()
      .getByRole('button', { name: /^Tweak/ })
      .click();
    await until(
      'the prompt to come back',
      async () => (await page.locator('#prompt').inputValue()) === 'slowly push in',
    );
    assert.ok(await page.locator('input[name=model][value=lite]').isChecked());
    assert.equal(await page.locator('#width').inputValue(), '320');
    assert.ok(await page.locator('.motion-card[data-name="Dolly In"] input').isChecked());
  });

  test('re-run makes the same task again, and it joins the history', async () => {
    await page
      .locator('.history-item')
      .first()
      .getByRole('button', { name: /^Re-run/ })
      .click();
    await page.locator('.history-item').nth(1).waitFor();
    await until('the re-run to finish', async () => (await page.locator('#status').textContent()) === 'Done.', 120_000);
    await page.locator('.history-item').first().locator('.badge.completed').waitFor({ timeout: 10_000 });
    const [newer, older] = await page.locator('.history-item .params').allTextContents();
    assert.equal(newer, older, 'same parameters, seed included');
  });

  test('camera control: sliders, a focus point clicked on the picture, loop, and a live preview of the path', async () => {
    const panel = page.locator('.panel.camera');
    await panel.scrollIntoViewIfNeeded();
    const canvas = page.locator('#camera-preview');
    const frame = async () => (await canvas.getAttribute('data-frame')) ?? '';
    await until('the preview to draw the frame outline', async () => (await frame()) !== '');
    const setSlider = (axis: string, value: number) =>
      page.locator(`#cam-${axis}`).evaluate((el, v) => {
        const input = el as unknown as { value: string; dispatchEvent(e: unknown): boolean };
        input.value = String(v);
        input.dispatchEvent(
          new (globalThis as unknown as { Event: new (t: string, o: object) => unknown }).Event('input', {
            bubbles: true,
          }),
        );
      }, value);
    await setSlider('pan', 6);
    await setSlider('zoom', 4);
    await setSlider('roll', 3);
    assert.equal(await page.locator('#cam-pan-value').textContent(), '6');
    assert.match((await page.locator('#camera-summary').textContent()) ?? '', /pan \+6.*roll \+3.*zoom \+4/);
    // The outline moves along the path: two moments of the preview differ.
    const a = await frame();
    await until('the outline to move', async () => (await frame()) !== a, 5_000);
    // Clicking the picture sets the focus point, in the picture's normalised coordinates.
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
    const focus = ((await canvas.getAttribute('data-focus')) ?? '').split(',').map(Number);
    assert.equal(focus.length, 2);
    assert.ok(focus[0]! > 0.15 && focus[0]! < 0.45 && focus[1]! > 0.2 && focus[1]! < 0.6, `focus ${focus}`);
    assert.match((await page.locator('#focus-note').textContent()) ?? '', /% across/);
    await page.getByLabel('Loop: the last frame flows into the first').check();
    await panel.screenshot({ path: join(ARTIFACTS, 'playground-camera.png') });

    const latest = async (): Promise<{ status: string; params: any }> => {
      const res = await fetch(`${server.baseUrl}/higgsfield/tasks?limit=1`, {
        headers: { authorization: `Bearer ${KEY_A}` },
      });
      return ((await res.json()) as { tasks: { status: string; params: any }[] }).tasks[0]!;
    };
    const before = await latest();
    await page.getByRole('button', { name: 'Generate' }).click();
    await until(
      'the camera task to be made and finish',
      async () => {
        const t = await latest();
        return t.params.loop === true && t.status === 'completed' && t !== before;
      },
      120_000,
    );
    const { params } = await latest();
    assert.equal(params.motions[0].name, 'Dolly In', 'the sliders went on top of the chosen motion');
    assert.deepEqual(params.focus, { x: focus[0], y: focus[1] });
    assert.equal(params.loop, true);
    assert.ok(params.camera_path.keyframes.length > 2, 'the resolved path is recorded');
    await page.locator('#camera-reset').click();
    await page.getByLabel('Loop: the last frame flows into the first').uncheck();
    await page.locator('#focus-clear').click();
  });

  test('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    // The key was kept: the gallery loads without typing it again, and the secret is not shown.
    await page.locator('.motion-card').first().waitFor();
    assert.equal(await page.locator('#key-status').textContent(), 'Key key-a saved in this browser');
    const overflow = await page
      .locator('html')
      .evaluate((html) => (html as unknown as { scrollWidth: number }).scrollWidth - 390);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.mouse.wheel(0, -100_000);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-phone.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'playground-phone-full.png'), fullPage: true });
  });

  test('the page made no request outside stillmotion and threw no error', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  });
});
