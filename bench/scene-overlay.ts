/**
 * Draws bench/scene-labels.json back onto its photos, to check the labels by eye:
 * subject box (red) and outline (orange), face boxes (green), eyes (cyan) and mouth
 * (magenta), background boxes (blue), near boxes (yellow), horizon (white) and ground
 * boxes (brown). Optionally the engine's own reading of the picture on top: its subject
 * matte's box (dashed red) and its face and eyes points (white rings).
 *
 *   node --import tsx bench/scene-overlay.ts OUT_DIR [--engine] [NAME...]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import sharp from 'sharp';
import { engineFacePoint, engineScene, loadPhoto } from './scene/engine-probe.js';
import { ensurePhotos, loadLabels, photoPath, type Box } from './scene/labels.js';
import { maskBox } from './scene/measure.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { engine: { type: 'boolean', default: false } },
});
const [out, ...names] = positionals;
if (!out) throw new Error('usage: scene-overlay.ts OUT_DIR [--engine] [NAME...]');
const labels = loadLabels().filter((l) => names.length === 0 || names.includes(l.name));
ensurePhotos(labels);
await mkdir(out, { recursive: true });
for (const l of labels) {
  const photo = await loadPhoto(photoPath(l));
  const img = await loadImage(await sharp(photo.bytes).toColourspace('srgb').png().toBuffer());
  const k = Math.max(1, 600 / Math.max(img.width, img.height));
  const c = createCanvas(Math.round(img.width * k), Math.round(img.height * k));
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0, c.width, c.height);
  g.lineWidth = 2;
  const box = (b: Box, colour: string, dash: number[] = []): void => {
    g.setLineDash(dash);
    g.strokeStyle = colour;
    g.strokeRect(b[0] * k, b[1] * k, (b[2] - b[0]) * k, (b[3] - b[1]) * k);
    g.setLineDash([]);
  };
  const dot = ([x, y]: [number, number], colour: string, r = 4): void => {
    g.strokeStyle = colour;
    g.beginPath();
    g.arc(x * k, y * k, r, 0, 2 * Math.PI);
    g.stroke();
  };
  for (const b of l.background) box(b, '#2a7fff');
  for (const b of l.near ?? []) box(b, '#ffe000');
  for (const b of l.ground ?? []) box(b, '#a0522d');
  if (l.horizon !== undefined) {
    g.strokeStyle = 'white';
    g.beginPath();
    g.moveTo(0, l.horizon * k);
    g.lineTo(c.width, l.horizon * k);
    g.stroke();
  }
  if (l.subject) {
    box(l.subject.box, 'red');
    if (l.subject.polygon) {
      g.strokeStyle = 'orange';
      g.beginPath();
      l.subject.polygon.forEach(([x, y], i) => (i ? g.lineTo(x * k, y * k) : g.moveTo(x * k, y * k)));
      g.closePath();
      g.stroke();
    }
  }
  for (const f of l.faces) {
    box(f.box, '#00d000');
    for (const e of f.eyes) dot(e, 'cyan', 3);
    dot(f.mouth, 'magenta', 3);
  }
  if (values.engine) {
    const scene = await engineScene(photo);
    const mb = scene.mask && maskBox(scene.mask.data, scene.mask.width, scene.mask.height, photo.width, photo.height);
    if (mb) box(mb, 'red', [6, 4]);
    for (const t of ['face', 'eyes'] as const) {
      const p = await engineFacePoint(photo, t);
      if (p) dot(p, 'white', t === 'face' ? 9 : 6);
    }
  }
  await sharp(await c.encode('png')).toFile(join(out, `${l.name}.png`));
}
console.log(`${labels.length} overlay(s) in ${out}`);
