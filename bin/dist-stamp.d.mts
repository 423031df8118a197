// Types of dist-stamp.mjs (plain JavaScript: the launcher runs it before anything is compiled).
export interface StampedFile {
  path: string;
  size: number;
  mtimeMs: number;
}
export interface Stamp {
  builtAt: string;
  hash: string;
  files: StampedFile[];
}
export const STAMP: string;
export const INPUTS: string[];
export function listInputs(root: string): StampedFile[];
export function hashInputs(root: string, files: StampedFile[]): string;
export function makeStamp(root: string): Stamp;
export function checkDist(root: string): { ok: true } | { ok: false; reason: string };
