/**
 * The playground: wires the key, the images, the gallery, the form, the task view and
 * the history together. Everything it does goes through the public reseller API.
 */
import { Api, ApiError } from './api.js';
import { byId, h } from './dom.js';
import { CameraPanel } from './camera-panel.js';
import { clearFieldErrors, showFieldError } from './field-errors.js';
import { GenerateForm } from './generate-form.js';
import { ImageSlots } from './image-slots.js';
import { forgetKey, loadKey, looksLikeKey, saveKey } from './key-store.js';
import { MotionGallery } from './motion-gallery.js';
import { TaskHistory } from './task-history.js';
import { TaskView } from './task-view.js';
import type { Feed } from './types.js';

let api: Api | undefined;

const keyInput = byId<HTMLInputElement>('api-key');
const forgetButton = byId<HTMLButtonElement>('key-forget');
const formEl = byId<HTMLFormElement>('generate-form');
const generateButton = byId<HTMLButtonElement>('generate');
const galleryStatus = byId('gallery-status');

const camera = new CameraPanel({
  canvas: byId<HTMLCanvasElement>('camera-preview'),
  loop: byId<HTMLInputElement>('loop'),
  reset: byId<HTMLButtonElement>('camera-reset'),
  clearFocus: byId<HTMLButtonElement>('focus-clear'),
  focusNote: byId('focus-note'),
  summary: byId('camera-summary'),
  duration: () => Number(byId<HTMLInputElement>('duration').value) || 5,
});
const images = new ImageSlots(formEl, () => {
  form.updateSize();
  camera.setImage(images.start?.dataUri, form.outputAspect());
});
/** The chosen preset's path for the preview (the sliders add on top of it). */
let presetRequest = 0;
async function showPresetPath(motionId: string): Promise<void> {
  const mine = ++presetRequest;
  const record = await api?.motion(motionId).catch(() => undefined);
  if (mine === presetRequest) camera.setPreset(record?.params?.camera_path ?? undefined);
}
const gallery = new MotionGallery(
  {
    grid: byId('motion-grid'),
    search: byId<HTMLInputElement>('motion-search'),
    category: byId<HTMLSelectElement>('motion-category'),
    onlyRenderable: byId<HTMLInputElement>('only-renderable'),
    status: galleryStatus,
  },
  (motion) => {
    byId('motion-chosen').textContent = `${motion.name}: ${motion.description}`;
    byId('motion_id-error').hidden = true;
    void showPresetPath(motion.id);
  },
);
const form = new GenerateForm(formEl, images, gallery, camera);
for (const id of ['size-preset', 'width', 'height'])
  byId(id).addEventListener('input', () => camera.setImage(images.start?.dataUri, form.outputAspect()));
const taskView = new TaskView({
  section: byId('result'),
  progress: byId<HTMLProgressElement>('progress'),
  status: byId('status'),
  player: byId('player'),
});
const history = new TaskHistory(
  {
    list: byId<HTMLOListElement>('history-list'),
    status: byId('history-status'),
    more: byId<HTMLButtonElement>('history-more'),
  },
  {
    show: (feed) => {
      taskView.show(feed);
      byId('result').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    },
    rerun: (feed) => void loadIntoForm(feed).then((ok) => (ok ? generate() : undefined)),
    tweak: (feed) => void loadIntoForm(feed).then((ok) => ok && formEl.scrollIntoView({ behavior: 'smooth' })),
  },
);

/** Uses a key: loads the motions (which also proves the key) and the key's history. */
async function useKey(key: string): Promise<void> {
  clearFieldErrors('key');
  api = new Api(key);
  galleryStatus.textContent = 'Loading motions…';
  try {
    gallery.setMotions(await api.motions());
  } catch (err) {
    api = undefined;
    galleryStatus.textContent = 'Enter your API key to load the motions.';
    const e = err as ApiError;
    showFieldError('key', e.status === 401 ? `${e.message}: check the key and save it again.` : e.message);
    return;
  }
  saveKey(key);
  showKeyState(key);
  void history.reload(api);
}

/** With a working key, the header says whose it is (the id, never the secret) instead of asking. */
function showKeyState(key: string | undefined): void {
  keyInput.value = key ?? '';
  for (const id of ['api-key-label', 'api-key', 'key-save']) byId(id).hidden = !!key;
  const status = byId('key-status');
  status.hidden = !key;
  status.replaceChildren();
  if (key) status.append('Key ', h('strong', {}, key.slice(0, key.indexOf(':'))), ' saved in this browser');
  forgetButton.hidden = !key;
}

async function loadIntoForm(feed: Feed): Promise<boolean> {
  clearFieldErrors();
  try {
    await form.load(feed);
    return true;
  } catch (err) {
    showFieldError(null, (err as Error).message);
    return false;
  }
}

async function generate(): Promise<void> {
  clearFieldErrors();
  if (!api) {
    showFieldError('key', 'Enter your API key first.');
    return;
  }
  const body = form.read();
  if ('param' in body) {
    showFieldError(body.param, body.message);
    return;
  }
  generateButton.disabled = true;
  generateButton.textContent = 'Sending…';
  let id: string;
  try {
    ({ id } = await api.generate(body));
  } catch (err) {
    const e = err as ApiError;
    if (e.status === 401) showFieldError('key', e.message);
    else showFieldError(e.param ?? null, e.message);
    return;
  } finally {
    generateButton.disabled = false;
    generateButton.textContent = 'Generate';
  }
  void history.reload(api);
  const following = taskView.follow(api, id);
  byId('result').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  const feed = await following;
  if (feed) void history.reload(api);
}

byId<HTMLFormElement>('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = keyInput.value.trim();
  if (!looksLikeKey(key)) {
    showFieldError('key', 'A key looks like KEY_ID:KEY_SECRET.');
    return;
  }
  void useKey(key);
});
forgetButton.addEventListener('click', () => {
  forgetKey();
  api = undefined;
  showKeyState(undefined);
  keyInput.focus();
});
formEl.addEventListener('submit', (e) => {
  e.preventDefault();
  void generate();
});
// Enter in the gallery's search box filters; it must not submit the generate form.
byId('motion-search').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') e.preventDefault();
});
byId('history-refresh').addEventListener('click', () => api && void history.reload(api));

const stored = loadKey();
if (stored) void useKey(stored);
