/**
 * The start and end frame: picked with the file input or dropped on the slot, kept as
 * data URIs (the API takes them inline, and nothing leaves the browser until Generate),
 * shown as thumbnails.
 */
import { clearFieldError, showFieldError } from './field-errors.js';

export interface PickedImage {
  dataUri: string;
  width: number;
  height: number;
  name: string;
}

export function readAsDataUri(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(blob);
  });
}

/** Decodes the picture once, for its size (the Auto size preset follows its aspect). */
function naturalSize(dataUri: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new Error('this file is not a picture the browser can read'));
    img.src = dataUri;
  });
}

export class ImageSlots {
  private readonly images: (PickedImage | undefined)[] = [undefined, undefined];

  constructor(
    private readonly root: HTMLElement,
    private readonly onChange: () => void,
  ) {
    for (const index of [0, 1]) this.wire(index);
  }

  get start(): PickedImage | undefined {
    return this.images[0];
  }

  /** The API's `image` array: start first, end second when present. */
  dataUris(): string[] {
    return this.images.filter((i): i is PickedImage => i !== undefined).map((i) => i.dataUri);
  }

  /** True when only an end frame is set: the API would take it as the start. */
  hasEndWithoutStart(): boolean {
    return !this.images[0] && !!this.images[1];
  }

  async setFromBlob(index: number, blob: Blob, name: string): Promise<void> {
    clearFieldError(`image[${index}]`);
    if (blob.type && !blob.type.startsWith('image/')) {
      showFieldError(`image[${index}]`, `${name} is not an image (${blob.type})`, { focus: false });
      return;
    }
    try {
      const dataUri = await readAsDataUri(blob);
      const size = await naturalSize(dataUri);
      this.set(index, { dataUri, name, ...size });
    } catch (err) {
      showFieldError(`image[${index}]`, `${name}: ${(err as Error).message}`, { focus: false });
    }
  }

  /** Loads a picture the server already holds (a task's input), for re-run and tweak. */
  async setFromUrl(index: number, url: string): Promise<void> {
    const res = await fetch(url);
    if (!res.ok)
      throw new Error(`the task's ${index === 0 ? 'start' : 'end'} image is gone (${res.status}); pick it again`);
    await this.setFromBlob(index, await res.blob(), url.split('/').pop() ?? 'image');
  }

  clear(index: number): void {
    this.set(index, undefined);
  }

  private set(index: number, image: PickedImage | undefined): void {
    this.images[index] = image;
    const slot = this.slot(index);
    const thumb = slot.querySelector<HTMLImageElement>('.thumb')!;
    const remove = slot.querySelector<HTMLButtonElement>('.remove')!;
    const input = slot.querySelector<HTMLInputElement>('input[type=file]')!;
    thumb.hidden = !image;
    remove.hidden = !image;
    slot.classList.toggle('filled', !!image);
    if (image) {
      thumb.src = image.dataUri;
      thumb.alt = `${index === 0 ? 'Start' : 'End'} frame: ${image.name}, ${image.width}×${image.height}`;
    } else {
      thumb.removeAttribute('src');
      thumb.alt = '';
      input.value = '';
    }
    this.onChange();
  }

  private slot(index: number): HTMLElement {
    return this.root.querySelector<HTMLElement>(`.slot[data-slot="${index}"]`)!;
  }

  private wire(index: number): void {
    const slot = this.slot(index);
    const drop = slot.querySelector<HTMLElement>('.drop')!;
    const input = slot.querySelector<HTMLInputElement>('input[type=file]')!;
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void this.setFromBlob(index, file, file.name);
    });
    slot.querySelector('.remove')!.addEventListener('click', () => this.clear(index));
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('dragging');
      const files = [...(e.dataTransfer?.files ?? [])];
      // Two files dropped on the start slot fill both: start and end in one gesture.
      files.slice(0, 2 - index).forEach((file, i) => void this.setFromBlob(index + i, file, file.name));
    });
  }
}
