/**
 * Draws what the vision models see onto photos, for a person to look at: the detector's
 * boxes (green; the chosen subject thick), the subject matte the depth moves would cut
 * (magenta tint), the faces (yellow; the chosen one thick) with eye and mouth points (red),
 * and the aim (cyan cross). Also prints per-photo timings.
 *
 *   node --import tsx scripts/vision-debug.ts OUT_DIR photo.jpg…
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import sharp from 'sharp';
import { detectObjects } from '../src/vision/object-detector.js';
import { analysisPicture } from '../src/vision/see-picture.js';
import { seeScene } from '../src/vision/scene-vision.js';
import { matteFromVision } from '../src/engine/scene/vision-matte.js';

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: vision-debug.ts OUT_DIR photo…');
  process.exit(2);
}
await mkdir(outDir, { recursive: true });
for (const file of files) {
  const bytes = await readFile(file);
  const t0 = performance.now();
  const pic = await analysisPicture(bytes, 100_000_000);
  const t1 = performance.now();
  const vision = await seeScene(pic, { matte: true, faces: true });
  const t2 = performance.now();
  const detections = await detectObjects(pic, 0.25);
  const W = pic.width;
  const H = pic.height;
  const thumb = await sharp(Buffer.from(pic.data), { raw: { width: W, height: H, channels: 3 } })
    .resize(256, 256, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const matte = matteFromVision(vision, thumb.data, thumb.info.width, thumb.info.height);
  const t3 = performance.now();
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    let [r, g, b] = [pic.data[i * 3]!, pic.data[i * 3 + 1]!, pic.data[i * 3 + 2]!];
    if (matte) {
      const x = Math.min(matte.width - 1, Math.floor(((i % W) / W) * matte.width));
      const y = Math.min(matte.height - 1, Math.floor((Math.floor(i / W) / H) * matte.height));
      const a = matte.alpha[y * matte.width + x]! * 0.55;
      r = r * (1 - a) + 255 * a;
      b = b * (1 - a) + 255 * a;
    }
    rgba.set([r, g, b, 255], i * 4);
  }
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  const png = await sharp(Buffer.from(rgba.buffer), { raw: { width: W, height: H, channels: 4 } })
    .png()
    .toBuffer();
  g.drawImage(await loadImage(png), 0, 0);
  g.font = '22px sans-serif';
  for (const d of detections) {
    const chosen =
      vision.label === d.label &&
      vision.box &&
      Math.abs(vision.box.x * W - d.box.x) < 1 &&
      Math.abs(vision.box.y * H - d.box.y) < 1;
    g.strokeStyle = 'lime';
    g.lineWidth = chosen ? 7 : 2;
    g.strokeRect(d.box.x, d.box.y, d.box.w, d.box.h);
    g.fillStyle = 'lime';
    g.fillText(`${d.label} ${d.score.toFixed(2)}`, d.box.x + 4, d.box.y + 24);
  }
  vision.faces.forEach((f, i) => {
    g.strokeStyle = 'yellow';
    g.lineWidth = vision.face?.index === i ? 6 : 2;
    g.strokeRect(f.box.x * W, f.box.y * H, f.box.w * W, f.box.h * H);
    g.fillStyle = 'red';
    for (const p of [...f.eyes, f.mouth]) {
      g.beginPath();
      g.arc(p.x * W, p.y * H, Math.max(3, W / 200), 0, 2 * Math.PI);
      g.fill();
    }
  });
  if (vision.aim) {
    g.strokeStyle = 'cyan';
    g.lineWidth = 4;
    const [x, y, s] = [vision.aim.x * W, vision.aim.y * H, W / 30];
    g.beginPath();
    g.moveTo(x - s, y);
    g.lineTo(x + s, y);
    g.moveTo(x, y - s);
    g.lineTo(x, y + s);
    g.stroke();
  }
  const out = join(outDir, basename(file).replace(/\.\w+$/, '') + '.vision.png');
  await sharp(canvas.toBuffer('image/png')).resize(640, 640, { fit: 'inside' }).toFile(out);
  console.log(
    `${basename(file)}: ${vision.subject}${vision.label ? ` ${vision.label}` : ''} ${vision.confidence.toFixed(2)}, ${vision.faces.length} face(s)` +
      `${vision.face ? ` (chose ${vision.face.reason})` : ''}, matte ${matte ? 'yes' : 'no'}; decode ${(t1 - t0).toFixed(0)} ms, look ${(t2 - t1).toFixed(0)} ms, matte ${(t3 - t2).toFixed(0)} ms → ${out}`,
  );
}
