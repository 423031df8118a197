/**
 * The layers a separated picture is split into, on synthetic pictures with a known answer:
 * the subject layer carries neither a piece of background the rough matte took in (sky
 * beside a chin) nor a soft halo, and the background plate's fill behind the subject
 * leaves no hole and copies no structure from beside it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { buildLayers } from '../../src/engine/scene/scene-sources.js';
import { inpaintHole } from '../../src/engine/scene/inpaint.js';
import { fillPlate } from '../../src/engine/scene/plate-fill.js';
import { mirrorEdges } from '../../src/engine/scene/mirror-fill.js';
import type { SubjectMatte } from '../../src/engine/scene/subject-matte.js';
import type { DecodedSource } from '../../src/engine/render/source-image.js';

/** Smooth random texture (value noise), 0..1, so neighbouring pixels are alike. */
function valueNoise(w: number, h: number, seed: number, cell: number): Float32Array {
  const rand = mulberry32(seed);
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const grid = Float32Array.from({ length: gw * gh }, () => rand());
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = x / cell;
      const fy = y / cell;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const g = (xx: number, yy: number): number => grid[yy * gw + xx]!;
      const top = g(x0, y0) * (1 - tx) + g(x0 + 1, y0) * tx;
      const bottom = g(x0, y0 + 1) * (1 - tx) + g(x0 + 1, y0 + 1) * tx;
      out[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

const W = 480;
const H = 270;
const DISC = { x: 250, y: 150, r: 70 };
/** An orange strip of background running in from the left edge and touching the disc. */
const STRIP = { x0: 0, x1: DISC.x - DISC.r + 2, y0: 120, y1: 134 };

const inStrip = (x: number, y: number): boolean => x >= STRIP.x0 && x < STRIP.x1 && y >= STRIP.y0 && y < STRIP.y1;
const discDistance = (x: number, y: number): number => Math.hypot(x + 0.5 - DISC.x, y + 0.5 - DISC.y) - DISC.r;

/** Blue-green textured background, the orange strip, a red textured disc (anti-aliased). */
function stripScene(): DecodedSource {
  const back = valueNoise(W, H, 5, 9);
  const front = valueNoise(W, H, 6, 7);
  const px = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const b = back[y * W + x]!;
      let bg = [60 + 60 * b, 110 + 70 * b, 150 + 60 * b];
      if (inStrip(x, y)) bg = [240, 170, 110];
      const f = front[y * W + x]!;
      const fg = [170 + 60 * f, 30 + 30 * f, 40 + 20 * f];
      const a = Math.min(1, Math.max(0, 0.5 - discDistance(x, y)));
      const o = (y * W + x) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(fg[c]! * a + bg[c]! * (1 - a));
      px[o + 3] = 255;
    }
  }
  const pixels = new SharedArrayBuffer(px.length);
  new Uint8Array(pixels).set(px);
  return { scale: 1, levels: [{ width: W, height: H, pixels }] };
}

/**
 * The thumbnail matte as the rough estimate would give it: the disc and the strip's last
 * stretch before it (taken in with the subject), soft over a few thumbnail pixels.
 */
function roughMatte(): SubjectMatte {
  const tw = 192;
  const th = Math.round((tw * H) / W);
  const s = W / tw;
  const alpha = new Float32Array(tw * th);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const X = (x + 0.5) * s;
      const Y = (y + 0.5) * s;
      const d = Math.hypot(X - DISC.x, Y - DISC.y) - DISC.r;
      const strip = X > STRIP.x1 - 16 && Y >= STRIP.y0 - 2 && Y < STRIP.y1 + 2 ? -1 : Infinity;
      alpha[y * tw + x] = Math.min(1, Math.max(0, 0.5 - Math.min(d, strip) / (2 * s)));
    }
  }
  return { width: tw, height: th, alpha };
}

describe('scene layers: the subject layer', () => {
  it('leaves out background the rough matte took in, and keeps the subject whole', async () => {
    const [, subject] = await buildLayers(stripScene(), roughMatte());
    const px = new Uint8Array(subject.levels[0]!.pixels);
    let stripAlpha = 0;
    let stripN = 0;
    let discAlpha = 0;
    let discN = 0;
    let orange = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        const a = px[o + 3]! / 255;
        // The part of the strip the rough matte covered (away from the disc's own edge).
        if (inStrip(x, y) && x > STRIP.x1 - 16 && discDistance(x, y) > 2)
          [stripAlpha, stripN] = [stripAlpha + a, stripN + 1];
        if (discDistance(x, y) < -2) [discAlpha, discN] = [discAlpha + a, discN + 1];
        if (a > 0.5 && px[o]! > 200 && px[o + 1]! > 140 && px[o + 2]! > 80) orange++;
      }
    }
    assert.ok(stripN > 50);
    assert.ok(stripAlpha / stripN < 0.1, `strip coverage ${(stripAlpha / stripN).toFixed(2)}`);
    assert.ok(discAlpha / discN > 0.97, `disc coverage ${(discAlpha / discN).toFixed(3)}`);
    assert.ok(orange < 10, `${orange} orange pixels ride with the subject`);
  });

  it('has a crisp edge: the alpha ramp across the outline is about as wide as the picture’s own', async () => {
    const [, subject] = await buildLayers(stripScene(), roughMatte());
    const px = new Uint8Array(subject.levels[0]!.pixels);
    // Partly covered pixels per unit of outline length, away from the strip.
    let partial = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (Math.abs(discDistance(x, y)) > 12 || Math.abs(y - (STRIP.y0 + STRIP.y1) / 2) < 20) continue;
        const a = px[(y * W + x) * 4 + 3]! / 255;
        if (a > 0.1 && a < 0.9) partial++;
      }
    }
    const outline = 2 * Math.PI * DISC.r - 2 * 20 * 1.2;
    assert.ok(partial / outline < 2.5, `edge ramp ${(partial / outline).toFixed(2)} px wide`);
  });
});

/** Textured background with a tall dark slanted bar touching the hole's left side. */
function barScene(w: number, h: number, hole: { x0: number; x1: number; y0: number; y1: number }): Uint8Array {
  const tex = valueNoise(w, h, 9, 5);
  const rand = mulberry32(4);
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = 90 + 80 * tex[y * w + x]! + 20 * (rand() - 0.5);
      // A slanted dark bar, 14 px wide, ending at the hole's left edge.
      const bar = Math.abs(x - (hole.x0 - 10) - 0.3 * (y - h / 2)) < 7 && x < hole.x0;
      const c = bar ? [30, 45, 30] : [g * 0.7, g, g * 0.6];
      rgba.set([...c.map(Math.round), 255], (y * w + x) * 4);
    }
  }
  return rgba;
}

function luma(rgba: Uint8Array, i: number): number {
  return 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('scene layers: the fill behind the subject', () => {
  it('copies no structure from beside the hole (no mirrored bar), leaves no hole, keeps known pixels', () => {
    const w = 240;
    const h = 160;
    const box = { x0: 100, x1: 170, y0: 20, y1: 150 };
    const rgba = barScene(w, h, box);
    const hole = new Uint8Array(w * h);
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        hole[y * w + x] = 1;
        rgba.set([255, 0, 255, 255], (y * w + x) * 4);
      }
    }
    const before = Uint8Array.from(rgba);
    inpaintHole(rgba, w, h, hole);
    // The strip just inside the hole against its mirror image just outside it.
    const inside: number[] = [];
    const mirror: number[] = [];
    for (let y = box.y0; y < box.y1; y++) {
      for (let d = 0; d < 30; d++) {
        inside.push(luma(rgba, y * w + box.x0 + d));
        mirror.push(luma(rgba, y * w + box.x0 - 1 - d));
      }
    }
    const r = correlation(inside, mirror);
    assert.ok(r < 0.3, `the fill mirrors its neighbour (correlation ${r.toFixed(2)})`);
    // The dark bar does not reappear inside the hole past its first stretch.
    let dark = 0;
    for (let y = box.y0; y < box.y1; y++)
      for (let x = box.x0 + 20; x < box.x1; x++) if (luma(rgba, y * w + x) < 60) dark++;
    assert.equal(dark, 0, `${dark} bar-dark pixels deep in the fill`);
    for (let i = 0; i < w * h; i++) {
      if (hole[i])
        assert.ok(
          !(rgba[i * 4] === 255 && rgba[i * 4 + 1] === 0 && rgba[i * 4 + 2] === 255),
          `hole pixel ${i} left unfilled`,
        );
      else assert.equal(rgba[i * 4 + 1], before[i * 4 + 1]);
    }
  });

  it('fills a large picture’s hole at the working resolution without holes or touched known pixels', async () => {
    const w = 2400;
    const h = 1350;
    const box = { x0: 1000, x1: 1400, y0: 500, y1: 1350 };
    const rgba = barScene(w, h, box);
    const hole = new Uint8Array(w * h);
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        // A rounded subject reaching the bottom edge.
        if (y < box.y0 + 200 && Math.hypot(x - 1200, y - (box.y0 + 200)) > 200) continue;
        hole[y * w + x] = 1;
        rgba.set([255, 0, 255, 255], (y * w + x) * 4);
      }
    }
    const before = Uint8Array.from(rgba);
    await fillPlate(rgba, w, h, hole, box);
    let left = 0;
    for (let i = 0; i < w * h; i++) {
      if (hole[i]) {
        if (rgba[i * 4] === 255 && rgba[i * 4 + 1] === 0) left++;
        // Nothing of the sentinel seeps in either: the fill is the background's green.
        assert.ok(rgba[i * 4 + 1]! > rgba[i * 4]!, `pixel ${i} is not background-coloured`);
      } else assert.equal(rgba[i * 4 + 1], before[i * 4 + 1]);
    }
    assert.equal(left, 0);
  });

  it('keeps the background’s grain sharp along the hole’s sides, and doubles no dark bar beside it', async () => {
    // Grass-like grain (single-pixel noise and upright blades) on a 2400 px picture, whose
    // fill works at a third of the resolution; a dark slanted bar ends at the hole's left side.
    const w = 2400;
    const h = 1200;
    const box = { x0: 1000, x1: 1400, y0: 300, y1: 1200 };
    const rand = mulberry32(7);
    const blades = Array.from({ length: w }, () => (rand() < 0.3 ? 40 * (rand() - 0.5) : 0));
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const bar = Math.abs(x - (box.x0 - 12) - 0.3 * (y - h / 2)) < 9 && x < box.x0;
        const g = 120 + blades[x]! + 16 * (rand() - 0.5);
        rgba.set(
          bar ? [30, 45, 30, 255] : [Math.round(g * 0.6), Math.round(g), Math.round(g * 0.5), 255],
          (y * w + x) * 4,
        );
      }
    }
    const hole = new Uint8Array(w * h);
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        hole[y * w + x] = 1;
        rgba.set([255, 0, 255, 255], (y * w + x) * 4);
      }
    }
    const grain = (px: Uint8Array, x0: number, x1: number): number => {
      let sum = 0;
      let n = 0;
      for (let y = box.y0; y < box.y1; y++) {
        for (let x = x0; x < x1; x++, n++) sum += Math.abs(luma(px, y * w + x + 1) - luma(px, y * w + x));
      }
      return sum / n;
    };
    const darkDeep = (px: Uint8Array): number => {
      let n = 0;
      for (let y = box.y0; y < box.y1; y++)
        for (let x = box.x0 + 24; x < box.x1; x++) if (luma(px, y * w + x) < 60) n++;
      return n;
    };
    await fillPlate(rgba, w, h, hole, box);
    const smooth = Uint8Array.from(rgba);
    mirrorEdges(rgba, w, h, hole, box);
    const outside = grain(rgba, box.x1, box.x1 + 30);
    const inside = grain(rgba, box.x1 - 31, box.x1 - 1);
    assert.ok(
      inside > 0.8 * outside,
      `grain inside the hole's side ${inside.toFixed(1)} against ${outside.toFixed(1)} beside it`,
    );
    assert.equal(darkDeep(rgba), 0, 'the bar beside the hole reappears inside it');
    for (let i = 0; i < w * h; i++) if (!hole[i]) assert.equal(rgba[i * 4 + 1], smooth[i * 4 + 1]);
  });
});

describe('scene layers: an edge the matte missed', () => {
  // A red disc with a dark rim 3 px wide that the subject's matte (the red core's) leaves out:
  // a sleeve's dark edge, a hair's outline. Left on the plate, the rim shows beside the
  // subject as a ghost of its outline once the camera moves.
  const R = 60;
  const RIM = 3;
  const cx = 240;
  const cy = 135;
  const distance = (x: number, y: number): number => Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  function rimScene(): { source: DecodedSource; back: number[][]; rim: number[] } {
    const noise = valueNoise(W, H, 11, 9);
    const rim = [45, 40, 60];
    const px = new Uint8Array(W * H * 4);
    const back: number[][] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const b = noise[y * W + x]!;
        const bg = [150 + 50 * b, 185 + 40 * b, 200 + 40 * b];
        back.push(bg);
        const d = distance(x, y);
        const core = Math.min(1, Math.max(0, R + 0.5 - d));
        const edge = Math.min(1, Math.max(0, R + RIM + 0.5 - d));
        const o = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) {
          const fg = [200, 40, 45][c]! * core + rim[c]! * (1 - core);
          px[o + c] = Math.round(fg * edge + bg[c]! * (1 - edge));
        }
        px[o + 3] = 255;
      }
    }
    const pixels = new SharedArrayBuffer(px.length);
    new Uint8Array(pixels).set(px);
    return { source: { scale: 1, levels: [{ width: W, height: H, pixels }] }, back, rim };
  }
  /** The matte as a segmentation would give it: the red core only, soft over a thumbnail pixel. */
  function coreMatte(): SubjectMatte {
    const tw = 192;
    const th = Math.round((tw * H) / W);
    const s = W / tw;
    const alpha = new Float32Array(tw * th);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        alpha[y * tw + x] = Math.min(
          1,
          Math.max(0, 0.5 - (Math.hypot((x + 0.5) * s - cx, (y + 0.5) * s - cy) - R) / s),
        );
      }
    }
    return { width: tw, height: th, alpha };
  }

  it('fills the plate under the missed rim with background, and at rest gives back the picture', async () => {
    const { source, back, rim } = rimScene();
    const picture = new Uint8Array(source.levels[0]!.pixels.slice(0));
    const [plate, subject] = await buildLayers(source, coreMatte());
    const P = new Uint8Array(plate.levels[0]!.pixels);
    const S = new Uint8Array(subject.levels[0]!.pixels);
    const dist = (a: ArrayLike<number>, o: number, b: number[]): number =>
      Math.hypot(a[o]! - b[0]!, a[o + 1]! - b[1]!, a[o + 2]! - b[2]!);
    let rimPx = 0;
    let ghost = 0;
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const o = i * 4;
        const d = distance(x, y);
        // The plate under the rim's solid part: nearer the background's colour than the rim's.
        if (d > R + 1 && d < R + RIM) {
          rimPx++;
          if (dist(P, o, rim) < dist(P, o, back[i]!)) ghost++;
        }
        // At rest: subject over plate is the picture.
        const a = S[o + 3]! / 255;
        for (let c = 0; c < 3; c++)
          worst = Math.max(worst, Math.abs(a * S[o + c]! + (1 - a) * P[o + c]! - picture[o + c]!));
      }
    }
    assert.ok(ghost < 0.05 * rimPx, `${ghost} of ${rimPx} plate pixels under the missed rim keep its colour`);
    assert.ok(worst <= 2, `at rest the composite is ${worst.toFixed(1)} levels off the picture`);
  });
});

describe('scene layers: the fill meets the picture given back beside the subject', () => {
  // A red disc before a grey backdrop lit brighter just around it (a portrait's glow behind
  // a head, a sharpening halo). The hole reaches past the matte; the band of it the subject
  // leaves out is the picture again on the plate (lit), while the fill under the subject
  // was made from farther out (unlit): once the subject moves aside, the two met in a
  // ragged pale outline of the subject.
  const R = 60;
  const cx = 240;
  const cy = 135;
  const distance = (x: number, y: number): number => Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  const GLOW = 22;
  function glowScene(): DecodedSource {
    const noise = valueNoise(W, H, 21, 9);
    const px = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = distance(x, y);
        const glow = GLOW * Math.min(1, Math.max(0, (R + 10 - d) / 5));
        const bg = [140 + 20 * noise[y * W + x]! + glow, 135 + 20 * noise[y * W + x]! + glow, 130 + glow];
        const a = Math.min(1, Math.max(0, R + 0.5 - d));
        const o = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) px[o + c] = Math.round([200, 40, 45][c]! * a + bg[c]! * (1 - a));
        px[o + 3] = 255;
      }
    }
    const pixels = new SharedArrayBuffer(px.length);
    new Uint8Array(pixels).set(px);
    return { scale: 1, levels: [{ width: W, height: H, pixels }] };
  }
  function discMatte(): SubjectMatte {
    const tw = 192;
    const th = Math.round((tw * H) / W);
    const s = W / tw;
    const alpha = new Float32Array(tw * th);
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++)
        alpha[y * tw + x] = Math.min(
          1,
          Math.max(0, 0.5 - (Math.hypot((x + 0.5) * s - cx, (y + 0.5) * s - cy) - R) / s),
        );
    return { width: tw, height: th, alpha };
  }

  it('fills under the subject to the brightness of the backdrop just beside it, and at rest gives back the picture', async () => {
    const source = glowScene();
    const picture = new Uint8Array(source.levels[0]!.pixels.slice(0));
    const [plate, subject] = await buildLayers(source, discMatte());
    const P = new Uint8Array(plate.levels[0]!.pixels);
    const S = new Uint8Array(subject.levels[0]!.pixels);
    const luma = (o: number): number => 0.299 * P[o]! + 0.587 * P[o + 1]! + 0.114 * P[o + 2]!;
    // Per direction: the plate's brightness where it is the picture again (left out of the
    // subject, just outside its edge) against the fill's just inside the edge.
    let steps = 0;
    let worstStep = 0;
    let sum = 0;
    for (let k = 0; k < 72; k++) {
      const t = (k / 72) * 2 * Math.PI;
      const at = (r: number): number => (Math.floor(cy + r * Math.sin(t)) * W + Math.floor(cx + r * Math.cos(t))) * 4;
      const out = at(R + 2);
      if (S[out + 3] !== 0) continue;
      const step = Math.abs(luma(out) - luma(at(R - 2)));
      sum += step;
      worstStep = Math.max(worstStep, step);
      steps++;
    }
    assert.ok(steps > 36, `only ${steps} directions leave the band beside the subject out`);
    let worst = 0;
    for (let o = 0; o < P.length; o += 4) {
      const a = S[o + 3]! / 255;
      for (let c = 0; c < 3; c++)
        worst = Math.max(worst, Math.abs(a * S[o + c]! + (1 - a) * P[o + c]! - picture[o + c]!));
    }
    assert.ok(
      sum / steps < 0.25 * GLOW,
      `the fill meets the picture beside the subject with a ${(sum / steps).toFixed(1)}-level step (worst ${worstStep.toFixed(1)})`,
    );
    assert.ok(worst <= 2, `at rest the composite is ${worst.toFixed(1)} levels off the picture`);
  });
});
