/**
 * Sums a V8 CPU profile (node --cpu-prof) by self time per file/package and per function,
 * and inclusive time per function, so that `bench:api --profile` says where a request's
 * CPU goes. Run: node --import tsx bench/cpu-profile-summary.ts PROFILE [--last S] [--requests N] [--top N]
 *
 * --last S keeps only the last S seconds of samples that serve requests (the load; the
 * start-up's module loading and schema compiling are left out); --requests N prints µs per
 * request instead of percentages.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const file = process.argv[2];
if (!file) {
  console.error('usage: cpu-profile-summary.ts PROFILE [--last S] [--requests N] [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(arg('--top') ?? 30);
const requests = arg('--requests') ? Number(arg('--requests')) : undefined;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const stackOf = (id: number): Node[] => {
  const out: Node[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) out.push(byId.get(cur)!);
  return out;
};

// Sample times (µs); a sample's weight is the delta to the next one.
const times: number[] = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) {
  t += d;
  times.push(t);
}
const weights = times.map((x, i) => (times[i + 1] ?? x) - x);

const serving = (id: number) => stackOf(id).some((n) => n.callFrame.functionName === 'parserOnIncoming');
let from = -Infinity;
let to = Infinity;
const last = arg('--last');
if (last) {
  let end = -1;
  for (let i = profile.samples.length - 1; i >= 0 && end < 0; i--) if (serving(profile.samples[i]!)) end = i;
  to = times[end] ?? Infinity;
  from = to - Number(last) * 1e6;
}

const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, 'npm:')
    .replace(/.*\/dist\//, '');
const fnKey = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fileKey = (n: Node) => {
  const url = short(n.callFrame.url);
  if (!url) return n.callFrame.functionName;
  if (url.startsWith('npm:'))
    return url
      .split('/')
      .slice(0, url.startsWith('npm:@') ? 2 : 1)
      .join('/');
  return url;
};

const self = new Map<number, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  if (times[i]! < from || times[i]! > to) return;
  const w = weights[i]!;
  total += w;
  if (byId.get(id)!.callFrame.functionName === '(idle)') idle += w;
  else self.set(id, (self.get(id) ?? 0) + w);
});
const busy = total - idle;

const sum = (key: (n: Node) => string) => {
  const m = new Map<string, number>();
  for (const [id, w] of self) {
    const k = key(byId.get(id)!);
    m.set(k, (m.get(k) ?? 0) + w);
  }
  return [...m].sort((a, b) => b[1] - a[1]);
};
const inclusive = new Map<string, number>();
for (const [id, w] of self) {
  const seen = new Set<string>();
  for (const n of stackOf(id)) {
    const k = fnKey(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + w);
  }
}

const show = (w: number) =>
  requests ? `${(w / requests).toFixed(2).padStart(7)} µs` : `${((w / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(
  `${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy` +
    (requests ? `, ${(busy / requests).toFixed(1)} µs busy per request (${requests} requests)` : ''),
);
const print = (title: string, rows: [string, number][]) => {
  console.log(`--- ${title}`);
  for (const [k, w] of rows.slice(0, top)) console.log(`${show(w)}  ${k}`);
};
print('self time by file', sum(fileKey));
print('self time by function', sum(fnKey));
print(
  'inclusive time by function',
  [...inclusive].filter(([k]) => !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]),
);
