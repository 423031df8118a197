/**
 * The camera control panel: six sliders (Kling's −10…10 axes, see docs/camera-control.md),
 * a focus point picked by clicking the picture, a loop toggle, and a live preview of the
 * move drawn over the start image — the frame outline travelling along the path (the
 * chosen preset's path from GET /higgsfield/tpl/motions/{id}, with the sliders added on
 * top) before anything is rendered. The preview is the engine's camera model in 2-D: it
 * leaves out parallax between depths and, without a focus point, the lean toward the
 * estimated centre of interest, so it shows where the frame goes, not every pixel.
 */
import { softMin } from '../../src/engine/framing/soft-min.js';
import type { CameraAxes, CameraPathSpec, Keyframe } from './types.js';

export const AXES = ['horizontal', 'vertical', 'pan', 'tilt', 'roll', 'zoom'] as const;
type Axis = (typeof AXES)[number];

/** The engine's units (src/engine/motion/camera-control.ts). */
const FOCAL = 1 / (2 * Math.tan((25 * Math.PI) / 180));
const TRAVEL_PER_UNIT = 0.02;
const ZOOM_PER_UNIT = 1.05;
/** A picture without a separable subject is one plane at this depth (scene/layer-projection). */
const PLANE_DEPTH = 1.6;
const rad = (d: number): number => (d * Math.PI) / 180;
const easeInOutSine = (t: number): number => 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, t)));

/** The view at one instant, in picture-cover units: centre offset, magnification, turn. */
interface View {
  /** View centre offset in cover widths / heights (+ = right / down). */
  dx: number;
  dy: number;
  zoom: number;
  /** Radians, + = the frame outline turns clockwise over the picture. */
  roll: number;
}

/** A keyframe as the view it gives (a flat picture: travels slide it by 1/depth). */
function viewOf(k: Omit<Keyframe, 't'>, aspect: number): View {
  const z = k.z ?? 0;
  const depthScale = PLANE_DEPTH / Math.max(PLANE_DEPTH * 0.25, PLANE_DEPTH - z);
  return {
    dx: FOCAL * Math.tan(rad(k.pan ?? 0)) + (k.x ?? 0) / PLANE_DEPTH,
    dy: -FOCAL * aspect * Math.tan(rad(k.tilt ?? 0)) - (k.y ?? 0) / PLANE_DEPTH,
    zoom: (k.zoom ?? 1) * depthScale,
    roll: rad(k.roll ?? 0),
  };
}

/** Samples a path linearly between keyframes, or eased per segment (the two kinds the panel uses). */
function sample(spec: CameraPathSpec, u: number): Omit<Keyframe, 't'> {
  const keys = spec.keyframes;
  const ease = spec.easing === 'easeInOutSine' ? easeInOutSine : (t: number) => t;
  if (u <= keys[0]!.t) return keys[0]!;
  for (let i = 1; i < keys.length; i++) {
    const b = keys[i]!;
    if (u <= b.t) {
      const a = keys[i - 1]!;
      const s = ease((u - a.t) / (b.t - a.t || 1));
      const mix = (f: keyof Omit<Keyframe, 't'>, rest: number): number => {
        const va = a[f] ?? rest;
        const vb = b[f] ?? rest;
        return f === 'zoom' ? Math.exp(Math.log(va) + (Math.log(vb) - Math.log(va)) * s) : va + (vb - va) * s;
      };
      return {
        x: mix('x', 0),
        y: mix('y', 0),
        z: mix('z', 0),
        zoom: mix('zoom', 1),
        roll: mix('roll', 0),
        pan: mix('pan', 0),
        tilt: mix('tilt', 0),
      };
    }
  }
  return keys[keys.length - 1]!;
}

/** The sliders as a two-keyframe path, centred as the engine centres them. */
export function axesPath(a: CameraAxes): CameraPathSpec {
  const half = (v: number | undefined, unit: number): number => ((v ?? 0) * unit) / 2;
  const h = half(a.horizontal, TRAVEL_PER_UNIT);
  const v = half(a.vertical, TRAVEL_PER_UNIT);
  const p = half(a.pan, 1);
  const t = half(a.tilt, 1);
  const r = half(a.roll, 1);
  return {
    easing: 'easeInOutSine',
    keyframes: [
      { t: 0, x: -h, y: -v, pan: -p, tilt: -t, roll: -r, zoom: 1 },
      { t: 1, x: h, y: v, pan: p, tilt: t, roll: r, zoom: ZOOM_PER_UNIT ** (a.zoom ?? 0) },
    ],
  };
}

export class CameraPanel {
  private readonly sliders = new Map<Axis, HTMLInputElement>();
  private preset: CameraPathSpec | undefined;
  private focusPoint: { x: number; y: number } | undefined;
  private image: HTMLImageElement | undefined;
  private aspect = 16 / 9;
  private started = performance.now();
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    private readonly els: {
      canvas: HTMLCanvasElement;
      loop: HTMLInputElement;
      reset: HTMLButtonElement;
      clearFocus: HTMLButtonElement;
      focusNote: HTMLElement;
      summary: HTMLElement;
      duration: () => number;
    },
  ) {
    for (const axis of AXES) {
      const input = document.getElementById(`cam-${axis}`) as HTMLInputElement;
      this.sliders.set(axis, input);
      const out = document.getElementById(`cam-${axis}-value`)!;
      input.addEventListener('input', () => {
        out.textContent = input.value;
        this.describe();
      });
    }
    els.reset.addEventListener('click', () => this.setAxes({}));
    els.clearFocus.addEventListener('click', () => this.setFocus(undefined));
    els.loop.addEventListener('change', () => this.restart());
    els.canvas.addEventListener('click', (e) => {
      if (!this.image) return;
      const box = this.imageBox();
      const rect = els.canvas.getBoundingClientRect();
      const px = ((e.clientX - rect.left) / rect.width) * els.canvas.width;
      const py = ((e.clientY - rect.top) / rect.height) * els.canvas.height;
      const x = (px - box.x) / box.w;
      const y = (py - box.y) / box.h;
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1)
        this.setFocus({ x: Math.round(x * 1000) / 1000, y: Math.round(y * 1000) / 1000 });
    });
    this.ctx = els.canvas.getContext('2d')!;
    this.describe();
    const frame = (): void => {
      this.draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** The axes that are not zero, or undefined when all are. */
  get axes(): CameraAxes | undefined {
    const out: CameraAxes = {};
    for (const [axis, input] of this.sliders) if (Number(input.value) !== 0) out[axis] = Number(input.value);
    return Object.keys(out).length ? out : undefined;
  }

  get focus(): { x: number; y: number } | undefined {
    return this.focusPoint;
  }

  get loop(): boolean {
    return this.els.loop.checked;
  }

  set loop(value: boolean) {
    this.els.loop.checked = value;
  }

  setAxes(a: CameraAxes): void {
    for (const [axis, input] of this.sliders) {
      input.value = String(a[axis] ?? 0);
      document.getElementById(`cam-${axis}-value`)!.textContent = input.value;
    }
    this.describe();
  }

  setFocus(f: { x: number; y: number } | undefined): void {
    this.focusPoint = f;
    this.els.clearFocus.hidden = !f;
    this.els.focusNote.textContent = f
      ? `Focus at ${Math.round(f.x * 100)} % across, ${Math.round(f.y * 100)} % down.`
      : 'Click the picture to aim the move at a point.';
    this.els.canvas.dataset.focus = f ? `${f.x},${f.y}` : '';
  }

  /** The start image (or none) and the output aspect the frame outline has. */
  setImage(dataUri: string | undefined, aspect: number | undefined): void {
    if (aspect) this.aspect = aspect;
    if (!dataUri) {
      this.image = undefined;
      return;
    }
    if (this.image?.src === dataUri) return;
    const img = new Image();
    img.onload = () => {
      this.image = img;
      if (!aspect) this.aspect = img.naturalWidth / img.naturalHeight;
    };
    img.src = dataUri;
  }

  /** The chosen preset's path (GET /higgsfield/tpl/motions/{id}), or none. */
  setPreset(path: CameraPathSpec | undefined): void {
    this.preset = path;
    this.restart();
  }

  private restart(): void {
    this.started = performance.now();
  }

  private describe(): void {
    const a = this.axes;
    this.els.summary.textContent = a
      ? Object.entries(a)
          .map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${v}`)
          .join(', ')
      : 'no extra move';
  }

  /** Where the picture sits on the canvas (fitted, centred). */
  private imageBox(): { x: number; y: number; w: number; h: number } {
    const { width, height } = this.els.canvas;
    const img = this.image!;
    const s = Math.min(width / img.naturalWidth, height / img.naturalHeight);
    const w = img.naturalWidth * s;
    const h = img.naturalHeight * s;
    return { x: (width - w) / 2, y: (height - h) / 2, w, h };
  }

  /** The view at normalised clip time u (a loop goes there and back, as the engine's does). */
  private viewAt(u: number): View {
    const t = this.loop ? 0.5 - 0.5 * Math.cos(2 * Math.PI * u) : u;
    const base = this.preset ? viewOf(sample(this.preset, t), this.aspect) : { dx: 0, dy: 0, zoom: 1, roll: 0 };
    const axes = this.axes;
    if (!axes) return base;
    const add = viewOf(sample(axesPath(axes), t), this.aspect);
    return { dx: base.dx + add.dx, dy: base.dy + add.dy, zoom: base.zoom * add.zoom, roll: base.roll + add.roll };
  }

  private draw(): void {
    const { canvas } = this.els;
    const ctx = this.ctx;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.image) {
      ctx.fillStyle = '#8888';
      ctx.font = '14px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText('Add a start image to preview the move', canvas.width / 2, canvas.height / 2);
      return;
    }
    const box = this.imageBox();
    ctx.drawImage(this.image, box.x, box.y, box.w, box.h);
    // The frame at zoom 1: the largest rectangle of the output's aspect inside the picture.
    const coverW = Math.min(box.w, box.h * this.aspect);
    const coverH = coverW / this.aspect;
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    // Enlarge every frame alike so that the whole path stays inside the picture (the
    // engine's cover zoom, which keeps borders out).
    const views = Array.from({ length: 41 }, (_, i) => this.viewAt(i / 40));
    let cover = 1;
    for (const v of views) {
      const c = Math.abs(Math.cos(v.roll));
      const s = Math.abs(Math.sin(v.roll));
      const hw = ((coverW / 2) * c + (coverH / 2) * s) / v.zoom;
      const hh = ((coverW / 2) * s + (coverH / 2) * c) / v.zoom;
      const roomX = box.w / 2 - Math.abs(v.dx * coverW);
      const roomY = box.h / 2 - Math.abs(v.dy * coverH);
      cover = Math.max(cover, hw / Math.max(1, roomX), hh / Math.max(1, roomY));
    }
    // The view leans toward the focus point as far as the room at its zoom allows (the
    // engine's smooth minimum, the same function), so a zoom converges on it.
    const maxDx = Math.max(...views.map((v) => Math.abs(v.dx * coverW)));
    const maxDy = Math.max(...views.map((v) => Math.abs(v.dy * coverH)));
    const lean = (v: View): [number, number] => {
      if (!this.focusPoint) return [0, 0];
      const c = Math.abs(Math.cos(v.roll));
      const s = Math.abs(Math.sin(v.roll));
      const z = v.zoom * cover;
      const roomX = box.w / 2 - ((coverW / 2) * c + (coverH / 2) * s) / z - maxDx;
      const roomY = box.h / 2 - ((coverW / 2) * s + (coverH / 2) * c) / z - maxDy;
      const dx = (this.focusPoint.x - 0.5) * box.w;
      const dy = (this.focusPoint.y - 0.5) * box.h;
      return [Math.sign(dx) * softMin(Math.abs(dx), roomX), Math.sign(dy) * softMin(Math.abs(dy), roomY)];
    };
    const centre = (v: View): [number, number] => {
      const [lx, ly] = lean(v);
      return [cx + lx + v.dx * coverW, cy + ly + v.dy * coverH];
    };
    // The path of the frame's centre (dark under yellow, to show on any picture), from a dot.
    const trace = (): void => {
      ctx.beginPath();
      views.forEach((v, i) => (i === 0 ? ctx.moveTo(...centre(v)) : ctx.lineTo(...centre(v))));
      ctx.stroke();
    };
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
    ctx.lineWidth = 4;
    trace();
    ctx.strokeStyle = '#ffd200';
    ctx.lineWidth = 2;
    trace();
    const [sx, sy] = centre(views[0]!);
    ctx.fillStyle = '#ffd200';
    ctx.beginPath();
    ctx.arc(sx, sy, 3.5, 0, 2 * Math.PI);
    ctx.fill();
    // The frame now (the preview loops over the clip's duration).
    const period = Math.max(1, this.els.duration()) * 1000;
    const u = ((performance.now() - this.started) % period) / period;
    const v = this.viewAt(u);
    const [fx, fy] = centre(v);
    const w = coverW / (v.zoom * cover);
    const h = coverH / (v.zoom * cover);
    ctx.save();
    ctx.translate(fx, fy);
    ctx.rotate(v.roll);
    ctx.strokeStyle = '#e63946';
    ctx.lineWidth = 2.5;
    ctx.strokeRect(-w / 2, -h / 2, w, h);
    ctx.restore();
    canvas.dataset.frame = `${fx.toFixed(1)},${fy.toFixed(1)},${w.toFixed(1)},${((v.roll * 180) / Math.PI).toFixed(2)}`;
    if (this.focusPoint) {
      const px = box.x + this.focusPoint.x * box.w;
      const py = box.y + this.focusPoint.y * box.h;
      // White over black, so it shows on a white wall and on a night sky alike.
      for (const [style, width] of [
        ['rgba(0, 0, 0, 0.75)', 4],
        ['#fff', 2],
      ] as const) {
        ctx.strokeStyle = style;
        ctx.lineWidth = width;
        ctx.beginPath();
        ctx.arc(px, py, 7, 0, 2 * Math.PI);
        ctx.moveTo(px - 12, py);
        ctx.lineTo(px + 12, py);
        ctx.moveTo(px, py - 12);
        ctx.lineTo(px, py + 12);
        ctx.stroke();
      }
    }
  }
}
