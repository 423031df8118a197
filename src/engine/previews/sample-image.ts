/**
 * A deterministic sample picture, generated (nothing bundled): a clear subject (a figure
 * with a face, off-centre) in front of a textured landscape, so every move reads in the
 * catalogue previews and the saliency estimate has something to find.
 */
import { createCanvas } from '../canvas.js';
import { mulberry32 } from '../maths/prng.js';

let cached: Promise<Buffer> | undefined;

/** The sample picture as a JPEG (1600×900). The same bytes on every call. */
export function makeSampleImage(): Promise<Buffer> {
  cached ??= Promise.resolve(drawSample());
  return cached;
}

function drawSample(): Buffer {
  const W = 1600;
  const H = 900;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d', { alpha: false });
  const rand = mulberry32(20240611);

  const sky = ctx.createLinearGradient(0, 0, 0, H * 0.62);
  sky.addColorStop(0, '#2b5fa8');
  sky.addColorStop(1, '#f2b27a');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = '#fff3c4';
  ctx.beginPath();
  ctx.arc(W * 0.2, H * 0.22, 60, 0, Math.PI * 2);
  ctx.fill();
  // Clouds: soft ellipses.
  for (let i = 0; i < 14; i++) {
    ctx.fillStyle = `rgba(255,255,255,${0.25 + rand() * 0.3})`;
    ctx.beginPath();
    ctx.ellipse(rand() * W, 40 + rand() * H * 0.3, 60 + rand() * 120, 18 + rand() * 25, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  // Three ranges of hills, darker as they come closer.
  const hills = ['#7c8fb0', '#4f7a55', '#2f5a32'];
  hills.forEach((colour, layer) => {
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.moveTo(0, H);
    const base = H * (0.5 + layer * 0.09);
    for (let x = 0; x <= W; x += 20)
      ctx.lineTo(x, base - 60 * Math.sin(x / (180 + layer * 90) + layer * 2) - 25 * Math.sin(x / 53 + layer));
    ctx.lineTo(W, H);
    ctx.fill();
  });
  // Textured ground: many small strokes (detail that would shimmer if filtered badly).
  for (let i = 0; i < 5000; i++) {
    const y = H * 0.68 + rand() * H * 0.32;
    const x = rand() * W;
    const shade = Math.floor(30 + rand() * 80);
    ctx.strokeStyle = `rgb(${shade},${shade + 40},${Math.floor(shade / 2)})`;
    ctx.lineWidth = 1 + rand() * 2;
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + (rand() - 0.5) * 8, y - 6 - rand() * 12);
    ctx.stroke();
  }
  // Trees on the middle hills.
  for (let i = 0; i < 40; i++) {
    const x = rand() * W;
    const y = H * (0.6 + rand() * 0.08);
    ctx.fillStyle = '#1e3d22';
    ctx.beginPath();
    ctx.moveTo(x, y - 50 - rand() * 30);
    ctx.lineTo(x - 16, y);
    ctx.lineTo(x + 16, y);
    ctx.fill();
  }
  drawFigure(ctx, W * 0.58, H * 0.56, H * 0.42);
  return canvas.encodeSync('jpeg', 90);
}

function drawFigure(
  ctx: ReturnType<ReturnType<typeof createCanvas>['getContext']>,
  cx: number,
  cy: number,
  size: number,
): void {
  // Body: a red coat.
  ctx.fillStyle = '#c2272d';
  ctx.beginPath();
  ctx.moveTo(cx - size * 0.28, cy + size * 0.75);
  ctx.quadraticCurveTo(cx - size * 0.3, cy + size * 0.05, cx, cy);
  ctx.quadraticCurveTo(cx + size * 0.3, cy + size * 0.05, cx + size * 0.28, cy + size * 0.75);
  ctx.fill();
  // Head.
  ctx.fillStyle = '#f1c7a1';
  ctx.beginPath();
  ctx.arc(cx, cy - size * 0.14, size * 0.16, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#3a2415';
  ctx.beginPath();
  ctx.arc(cx, cy - size * 0.19, size * 0.165, Math.PI, Math.PI * 2);
  ctx.fill();
  // Eyes and mouth.
  ctx.fillStyle = '#ffffff';
  for (const dx of [-0.06, 0.06]) {
    ctx.beginPath();
    ctx.ellipse(cx + size * dx, cy - size * 0.14, size * 0.03, size * 0.02, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = '#1b2a44';
  for (const dx of [-0.06, 0.06]) {
    ctx.beginPath();
    ctx.arc(cx + size * dx, cy - size * 0.14, size * 0.012, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.strokeStyle = '#8a2b2b';
  ctx.lineWidth = size * 0.012;
  ctx.beginPath();
  ctx.arc(cx, cy - size * 0.1, size * 0.05, 0.2 * Math.PI, 0.8 * Math.PI);
  ctx.stroke();
}
