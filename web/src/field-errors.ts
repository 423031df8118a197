/**
 * Shows an API error next to the field its `param` names (`seed`, `image[1]`, `width`…),
 * marks that control invalid for assistive technology and moves focus there. Errors that
 * name no field of this form go to the form-level slot beside the Generate button.
 */

interface FieldSlot {
  /** id of the `<p class="field-error">` that shows the message */
  error: string;
  /** id of the control to mark invalid and focus */
  control: string;
}

const SLOTS: Record<string, FieldSlot> = {
  image: { error: 'image-0-error', control: 'image-0' },
  'image[0]': { error: 'image-0-error', control: 'image-0' },
  'image[1]': { error: 'image-1-error', control: 'image-1' },
  motion_id: { error: 'motion_id-error', control: 'motion-search' },
  model: { error: 'model-error', control: 'model' },
  seed: { error: 'seed-error', control: 'seed' },
  width: { error: 'size-error', control: 'width' },
  height: { error: 'size-error', control: 'height' },
  prompt: { error: 'prompt-error', control: 'prompt' },
  enhance_prompt: { error: 'enhance_prompt-error', control: 'enhance' },
  duration: { error: 'duration-error', control: 'duration' },
  fps: { error: 'fps-error', control: 'fps' },
  key: { error: 'api-key-error', control: 'api-key' },
  camera: { error: 'camera-error', control: 'cam-horizontal' },
  camera_path: { error: 'camera-error', control: 'cam-horizontal' },
  focus: { error: 'camera-error', control: 'camera-preview' },
  loop: { error: 'loop-error', control: 'loop' },
};
const FORM_SLOT: FieldSlot = { error: 'form-error', control: 'generate' };

/** The slot for an API `param`; `params.x` style names fall back to their last part. */
export function slotFor(param: string | null): FieldSlot {
  if (!param) return FORM_SLOT;
  // `camera.zoom` and the like go to their object's slot.
  return SLOTS[param] ?? SLOTS[param.replace(/^.*\./, '')] ?? SLOTS[param.split(/[.[]/)[0]!] ?? FORM_SLOT;
}

/** "seed: must be <= 1000000" shown under Seed reads better as "Must be <= 1000000". */
export function messageFor(param: string | null, message: string): string {
  if (!param || !message.startsWith(`${param}: `)) return message;
  const rest = message.slice(param.length + 2);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

export function showFieldError(param: string | null, message: string, options: { focus?: boolean } = {}): void {
  const slot = slotFor(param);
  const errorEl = document.getElementById(slot.error);
  if (!errorEl) return;
  errorEl.textContent = slot === FORM_SLOT && param ? `${param}: ${message}` : messageFor(param, message);
  errorEl.hidden = false;
  const control = document.getElementById(slot.control);
  control?.setAttribute('aria-invalid', 'true');
  if (options.focus !== false) control?.focus();
}

/** Clears the message of one field. */
export function clearFieldError(param: string | null): void {
  const slot = slotFor(param);
  const errorEl = document.getElementById(slot.error);
  if (errorEl) {
    errorEl.hidden = true;
    errorEl.textContent = '';
  }
  document.getElementById(slot.control)?.removeAttribute('aria-invalid');
}

/** Clears every message of the generate form, or the key's. */
export function clearFieldErrors(scope: 'form' | 'key' = 'form'): void {
  const slots =
    scope === 'key'
      ? [SLOTS.key as FieldSlot]
      : [...Object.values(SLOTS).filter((s) => s.control !== 'api-key'), FORM_SLOT];
  for (const slot of slots) {
    const errorEl = document.getElementById(slot.error);
    if (errorEl) {
      errorEl.hidden = true;
      errorEl.textContent = '';
    }
    document.getElementById(slot.control)?.removeAttribute('aria-invalid');
  }
}
