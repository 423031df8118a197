/**
 * The generate form's state: reads it into a `POST /higgsfield/generate` body, and writes
 * a past task's parameters back into it (tweak, re-run).
 */
import { byId } from './dom.js';
import type { ImageSlots } from './image-slots.js';
import type { MotionGallery } from './motion-gallery.js';
import type { CameraPanel } from './camera-panel.js';
import { expectedSize, requestedSize, type SizePreset } from './sizes.js';
import type { Feed, GenerateRequest, ModelTier } from './types.js';

/** A problem found before asking the server, shaped like an API error's field. */
export interface FormProblem {
  param: string;
  message: string;
}

const MAX_SEED = 1_000_000;

/** A seed from the browser's CSPRNG (Math.random is fine too, but this is as cheap). */
export function randomSeed(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0]! % MAX_SEED) + 1;
}

export class GenerateForm {
  readonly seed = byId<HTMLInputElement>('seed');
  readonly preset = byId<HTMLSelectElement>('size-preset');
  readonly width = byId<HTMLInputElement>('width');
  readonly height = byId<HTMLInputElement>('height');
  readonly prompt = byId<HTMLTextAreaElement>('prompt');
  readonly enhance = byId<HTMLInputElement>('enhance');
  readonly duration = byId<HTMLInputElement>('duration');
  readonly fps = byId<HTMLInputElement>('fps');
  private readonly customRow = byId('custom-size');
  private readonly sizeNote = byId('size-note');

  constructor(
    private readonly form: HTMLFormElement,
    private readonly images: ImageSlots,
    private readonly gallery: MotionGallery,
    private readonly camera: CameraPanel,
  ) {
    this.seed.value = String(randomSeed());
    byId('seed-reroll').addEventListener('click', () => {
      this.seed.value = String(randomSeed());
    });
    for (const el of [this.preset, this.width, this.height]) el.addEventListener('input', () => this.updateSize());
    form.addEventListener('change', (e) => (e.target as HTMLInputElement).name === 'model' && this.updateSize());
    this.updateSize();
  }

  get tier(): ModelTier {
    return (this.form.querySelector<HTMLInputElement>('input[name=model]:checked')?.value ?? 'turbo') as ModelTier;
  }

  set tier(value: ModelTier) {
    const radio = this.form.querySelector<HTMLInputElement>(`input[name=model][value="${value}"]`);
    if (radio) radio.checked = true;
  }

  /** Shows the custom fields when needed and what size the server will render. */
  updateSize(): void {
    const preset = this.preset.value as SizePreset;
    this.customRow.hidden = preset !== 'custom';
    const size = expectedSize(preset, this.tier, this.customSize(), this.images.start);
    this.sizeNote.textContent = size
      ? `→ ${size.width} × ${size.height}`
      : preset === 'auto'
        ? '→ follows the start image'
        : '';
  }

  /** Output width / height the server will render, when the form already says (else the image's). */
  outputAspect(): number | undefined {
    const size = expectedSize(this.preset.value as SizePreset, this.tier, this.customSize(), this.images.start);
    return size ? size.width / size.height : undefined;
  }

  /** The request body, or the first problem the server would only report less clearly. */
  read(): GenerateRequest | FormProblem {
    if (!this.images.start) {
      return {
        param: 'image[0]',
        message: this.images.hasEndWithoutStart()
          ? 'Add a start frame too: the end frame needs one.'
          : 'Pick or drop a start image.',
      };
    }
    const motion = this.gallery.selected;
    const axes = this.camera.axes;
    // With camera sliders set, no motion is needed: the move is only theirs.
    if (!motion && !axes) return { param: 'motion_id', message: 'Pick a motion in the gallery, or set a camera move.' };
    for (const [param, input] of [
      ['seed', this.seed],
      ['width', this.width],
      ['height', this.height],
      ['duration', this.duration],
      ['fps', this.fps],
    ] as const) {
      // A number field holding text reads as "", which would silently drop the field.
      if (input.validity.badInput) return { param, message: 'Must be a number.' };
    }
    const body: GenerateRequest = {
      model: this.tier,
      ...(motion && { motion_id: motion.id }),
      ...(axes && { camera: axes }),
      ...(this.camera.focus && { focus: this.camera.focus }),
      ...(this.camera.loop && { loop: true }),
      prompt: this.prompt.value,
      enhance_prompt: this.enhance.checked,
      image: this.images.dataUris(),
      ...requestedSize(this.preset.value as SizePreset, this.tier, this.customSize()),
    };
    // Out-of-range values are sent as typed: the server's message names the field.
    if (this.seed.value !== '') body.seed = Number(this.seed.value);
    if (this.duration.value !== '') body.duration = Number(this.duration.value);
    if (this.fps.value !== '') body.fps = Number(this.fps.value);
    return body;
  }

  /** Puts a past task's parameters back (images are fetched from the server's media). */
  async load(feed: Feed): Promise<void> {
    const p = feed.params;
    this.tier = p.model;
    if (!this.gallery.select(p.motion_id))
      throw new Error(`motion ${p.motions[0]?.name ?? p.motion_id} is no longer in the catalogue`);
    this.seed.value = String(p.seed);
    this.prompt.value = p.prompt;
    this.enhance.checked = p.enhance_prompt;
    if (p.width && p.height) {
      this.preset.value = 'custom';
      this.width.value = String(p.width);
      this.height.value = String(p.height);
    }
    if (p.duration) this.duration.value = String(Math.round(p.duration * 100) / 100);
    if (p.fps) this.fps.value = String(p.fps);
    // The axes are recorded inside the resolved path, not on their own, and the recorded
    // focus may be the estimated one (taking it as chosen would skip a face move's face
    // search): sliders and focus start afresh, loop comes back.
    this.camera.setAxes({});
    this.camera.setFocus(undefined);
    this.camera.loop = p.loop === true;
    await this.images.setFromUrl(0, p.input_image.url);
    if (p.input_image_end) await this.images.setFromUrl(1, p.input_image_end.url);
    else this.images.clear(1);
    this.updateSize();
  }

  private customSize(): { width: number; height: number } {
    return { width: Number(this.width.value), height: Number(this.height.value) };
  }
}
