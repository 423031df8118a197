/**
 * The engine's reading of a prompt: speed words, intensity and direction. With
 * `enhance_prompt` off the preset's defaults apply and the prompt is ignored.
 */

export type Direction = 'left' | 'right' | 'up' | 'down';

export interface PromptModifiers {
  /** Multiplies how far a progressive move travels in the clip and how fast shake oscillates. */
  speed: number;
  /** Multiplies the amplitude of every part of the move. */
  intensity: number;
  /** A direction the prompt asked for, applied where the motion has one. */
  direction?: Direction;
}

export const DEFAULT_MODIFIERS: PromptModifiers = Object.freeze({ speed: 1, intensity: 1 });

const SPEED_WORDS: [RegExp, number][] = [
  [/\b(very slowly|super slow|ultra slow|glacial(ly)?)\b/, 0.45],
  [/\b(slow(ly)?|gentl[ey]|leisurely|calm(ly)?|lazy|drift(ing)?)\b/, 0.65],
  [/\b(very fast|super fast|rapid(ly)?|explosive(ly)?|lightning)\b/, 1.6],
  [/\b(fast|quick(ly)?|swift(ly)?|speedy|energetic)\b/, 1.35],
];
const INTENSITY_WORDS: [RegExp, number][] = [
  [/\b(barely|very subtle|tiny|minimal)\b/, 0.45],
  // Adverbs only: "soft morning light" describes the picture, not the move.
  [/\b(subtle|subtly|slight(ly)?|softly|lightly|mild(ly)?)\b/, 0.65],
  [/\b(extreme(ly)?|insane|massive|huge)\b/, 1.6],
  [/\b(dramatic(ally)?|intense(ly)?|strong(ly)?|bold|epic|big)\b/, 1.35],
];
const DIRECTION_WORDS: [RegExp, Direction][] = [
  [/\b(to the left|leftwards?|towards? the left|left)\b/, 'left'],
  [/\b(to the right|rightwards?|towards? the right|right)\b/, 'right'],
  // Not "close-up", "pick up", "light up", "slow down", "sit down": those are not directions.
  [/(?<!close[- ])(?<!pick )(?<!light )\b(upwards?|up|skyward)\b/, 'up'],
  [/(?<!slow )(?<!sit )(?<!calm )\b(downwards?|down|floorward)\b/, 'down'],
];

function firstMatch<T>(text: string, table: [RegExp, T][]): T | undefined {
  let best: { index: number; value: T } | undefined;
  for (const [re, value] of table) {
    const m = re.exec(text);
    if (m && (best === undefined || m.index < best.index)) best = { index: m.index, value };
  }
  return best?.value;
}

/** Reads speed, intensity and direction words from a prompt (English, case-insensitive). */
export function parsePromptModifiers(prompt: string): PromptModifiers {
  const text = prompt.toLowerCase();
  const direction = firstMatch(text, DIRECTION_WORDS);
  return {
    speed: firstMatch(text, SPEED_WORDS) ?? 1,
    intensity: firstMatch(text, INTENSITY_WORDS) ?? 1,
    ...(direction ? { direction } : {}),
  };
}

/** A one-line human reading of the modifiers, recorded as the task's `enhanced_prompt`. */
export function describeModifiers(motionNames: string[], m: PromptModifiers): string {
  const parts = [motionNames.join(' + ')];
  if (m.speed !== 1) parts.push(m.speed < 1 ? 'slower' : 'faster');
  if (m.intensity !== 1) parts.push(m.intensity < 1 ? 'subtler' : 'more dramatic');
  if (m.direction) parts.push(`towards ${m.direction}`);
  return `${parts.join(', ')} camera move over the still image`;
}
