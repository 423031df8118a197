/**
 * Minimum s–t cut of a grid graph (Boykov–Kolmogorov max-flow): the exact minimiser of a binary
 * labelling energy Σ D_i(label) + Σ V_ij [label_i ≠ label_j] with V ≥ 0, which is what a
 * graph-cut segmentation (box-cut.ts) needs. Each node has a source capacity (the cost of
 * labelling it "sink": background) and a sink capacity (the cost of "source": subject);
 * neighbour links are symmetric. Deterministic, typed arrays only.
 */

export interface GridGraph {
  /** Node count. */
  n: number;
  /** Capacity source → node (paid when the node ends on the sink side). */
  source: Float64Array;
  /** Capacity node → sink (paid when the node ends on the source side). */
  sink: Float64Array;
  /** Neighbour links: pairs of node indices and their symmetric capacities. */
  from: Int32Array;
  to: Int32Array;
  cap: Float64Array;
  /** How many links are set. */
  links: number;
}

export function gridGraph(n: number, maxLinks: number): GridGraph {
  return {
    n,
    source: new Float64Array(n),
    sink: new Float64Array(n),
    from: new Int32Array(maxLinks),
    to: new Int32Array(maxLinks),
    cap: new Float64Array(maxLinks),
    links: 0,
  };
}

export function addLink(g: GridGraph, a: number, b: number, c: number): void {
  g.from[g.links] = a;
  g.to[g.links] = b;
  g.cap[g.links] = c;
  g.links++;
}

/** A graph's neighbour arcs in CSR (each link as a pair a→b, b→a), with their capacities. */
interface Arcs {
  links: number;
  start: Int32Array;
  head: Int32Array;
  rev: Int32Array;
  cap: Float64Array;
}

/** The arcs of each graph solved, while its links stay as they were (a cut re-solved with new terminals). */
const arcsOf = new WeakMap<GridGraph, Arcs>();

function arcs(g: GridGraph): Arcs {
  const known = arcsOf.get(g);
  if (known && known.links === g.links) return known;
  const n = g.n;
  const M = 2 * g.links;
  const head = new Int32Array(M);
  const cap = new Float64Array(M);
  const rev = new Int32Array(M);
  const start = new Int32Array(n + 1);
  for (let e = 0; e < g.links; e++) {
    start[g.from[e]! + 1]!++;
    start[g.to[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) start[v + 1] = start[v + 1]! + start[v]!;
  const fill = start.slice(0, n);
  for (let e = 0; e < g.links; e++) {
    const a = g.from[e]!;
    const b = g.to[e]!;
    const x = fill[a]!++;
    const y = fill[b]!++;
    head[x] = b;
    head[y] = a;
    cap[x] = g.cap[e]!;
    cap[y] = g.cap[e]!;
    rev[x] = y;
    rev[y] = x;
  }
  const out = { links: g.links, start, head, rev, cap };
  arcsOf.set(g, out);
  return out;
}

/**
 * Solves the cut; returns 1 for nodes on the source side (subject), 0 otherwise. Terminal
 * capacities are reduced to their difference (flow through both is a constant). The graph
 * may be solved again with other terminal capacities (its links unchanged).
 */
export function minCut(g: GridGraph): Uint8Array {
  const { start, head, rev, cap } = arcs(g);
  return boykovKolmogorov(g.n, start, head, rev, cap.slice(), g.source, g.sink);
}

/**
 * The active nodes, first in first out, each at most once. (Module-level functions, not
 * closures in the solver: a closure is a new function per call, and the optimised solver
 * inlined the last call's, so the next call threw its optimised code away.)
 */
interface ActiveQueue {
  queue: Int32Array;
  inQueue: Uint8Array;
  head: number;
  tail: number;
  len: number;
}

function activeQueue(n: number): ActiveQueue {
  return { queue: new Int32Array(n + 1), inQueue: new Uint8Array(n), head: 0, tail: 0, len: 0 };
}

function activate(q: ActiveQueue, i: number): void {
  if (q.inQueue[i]) return;
  q.inQueue[i] = 1;
  q.queue[q.tail] = i;
  q.tail = (q.tail + 1) % q.queue.length;
  q.len++;
}

const TERMINAL = -1;
const ORPHAN = -2;
const NONE = -3;

/**
 * Boykov–Kolmogorov max-flow (2004): search trees grown from both terminals, reused between
 * augmentations (fast on grids, where a cut's paths are short). `cap` holds the neighbour
 * arcs' residual capacities (CSR: start/head/rev); terminal residues come from source/sink.
 */
function boykovKolmogorov(
  n: number,
  start: Int32Array,
  head: Int32Array,
  rev: Int32Array,
  cap: Float64Array,
  source: Float64Array,
  sink: Float64Array,
): Uint8Array {
  // Only neighbour arcs are walked: the terminal arcs live in tr (> 0 from the source).
  const tr = new Float64Array(n);
  for (let i = 0; i < n; i++) tr[i] = source[i]! - sink[i]!;
  const tree = new Uint8Array(n); // 0 free, 1 source tree, 2 sink tree
  const parent = new Int32Array(n).fill(NONE);
  const ts = new Int32Array(n);
  const dist = new Int32Array(n);
  const active = activeQueue(n);
  const { queue, inQueue } = active;
  for (let i = 0; i < n; i++) {
    if (tr[i]! > 0) tree[i] = 1;
    else if (tr[i]! < 0) tree[i] = 2;
    else continue;
    parent[i] = TERMINAL;
    ts[i] = 0;
    dist[i] = 1;
    activate(active, i);
  }
  let time = 0;
  const orphans: number[] = [];
  const EPS = 1e-12;
  for (;;) {
    // Growth.
    let bridge = -1;
    let p = -1;
    while (active.len > 0) {
      p = queue[active.head]!;
      if (tree[p] === 0) {
        active.head = (active.head + 1) % (n + 1);
        active.len--;
        inQueue[p] = 0;
        continue;
      }
      // (p's own tree, timestamp and distance stay put while its arcs are scanned.)
      const tp = tree[p]!;
      const end = start[p + 1]!;
      for (let a = start[p]!; a < end; a++) {
        const q = head[a]!;
        if (tp === 1 ? cap[a]! <= EPS : cap[rev[a]!]! <= EPS) continue;
        const tq = tree[q]!;
        if (tq === 0) {
          tree[q] = tp;
          parent[q] = rev[a]!;
          ts[q] = ts[p]!;
          dist[q] = dist[p]! + 1;
          activate(active, q);
        } else if (tq !== tp) {
          bridge = tp === 1 ? a : rev[a]!;
          break;
        }
      }
      if (bridge >= 0) break;
      active.head = (active.head + 1) % (n + 1);
      active.len--;
      inQueue[p] = 0;
    }
    if (bridge < 0) break;
    time++;
    // Augment along source root → u → v → sink root.
    const u = head[rev[bridge]!]!;
    const v = head[bridge]!;
    // The bottleneck: each side's arcs and then its root's terminal residue, one walk a side.
    let push = cap[bridge]!;
    let root = u;
    for (let a = parent[root]!; a !== TERMINAL; a = parent[root]!) {
      push = Math.min(push, cap[rev[a]!]!);
      root = head[a]!;
    }
    push = Math.min(push, tr[root]!);
    root = v;
    for (let a = parent[root]!; a !== TERMINAL; a = parent[root]!) {
      push = Math.min(push, cap[a]!);
      root = head[a]!;
    }
    push = Math.min(push, -tr[root]!);
    cap[bridge] = cap[bridge]! - push;
    cap[rev[bridge]!] = cap[rev[bridge]!]! + push;
    for (let x = u; ; ) {
      const a = parent[x]!;
      if (a === TERMINAL) {
        tr[x] = tr[x]! - push;
        if (tr[x]! <= EPS) {
          parent[x] = ORPHAN;
          orphans.push(x);
        }
        break;
      }
      const next = head[a]!;
      cap[rev[a]!] = cap[rev[a]!]! - push;
      cap[a] = cap[a]! + push;
      if (cap[rev[a]!]! <= EPS) {
        parent[x] = ORPHAN;
        orphans.push(x);
      }
      x = next;
    }
    for (let x = v; ; ) {
      const a = parent[x]!;
      if (a === TERMINAL) {
        tr[x] = tr[x]! + push;
        if (tr[x]! >= -EPS) {
          parent[x] = ORPHAN;
          orphans.push(x);
        }
        break;
      }
      const next = head[a]!;
      cap[a] = cap[a]! - push;
      cap[rev[a]!] = cap[rev[a]!]! + push;
      if (cap[a]! <= EPS) {
        parent[x] = ORPHAN;
        orphans.push(x);
      }
      x = next;
    }
    // Adoption.
    while (orphans.length) {
      const o = orphans.pop()!;
      const t = tree[o]!;
      let bestA = NONE;
      let bestD = Infinity;
      for (let a = start[o]!; a < start[o + 1]!; a++) {
        const q = head[a]!;
        if (tree[q] !== t) continue;
        if (t === 1 ? cap[rev[a]!]! <= EPS : cap[a]! <= EPS) continue;
        // Does q still reach its terminal?
        let d = 0;
        let x = q;
        let ok = false;
        for (;;) {
          if (ts[x] === time) {
            d += dist[x]!;
            ok = true;
            break;
          }
          const pa = parent[x]!;
          d++;
          if (pa === TERMINAL) {
            ts[x] = time;
            dist[x] = 1;
            ok = true;
            break;
          }
          if (pa < 0) break;
          x = head[pa]!;
        }
        if (!ok) continue;
        if (d < bestD) {
          bestD = d;
          bestA = a;
        }
        // Mark the path's distances for the walks that follow.
        for (let y = q, k = d; ts[y] !== time; y = head[parent[y]!]!) {
          ts[y] = time;
          dist[y] = k--;
        }
      }
      if (bestA !== NONE) {
        parent[o] = bestA;
        ts[o] = time;
        dist[o] = bestD + 1;
        continue;
      }
      // No new parent: o leaves its tree; its children are orphans, its neighbours that
      // could feed it become active.
      for (let a = start[o]!; a < start[o + 1]!; a++) {
        const q = head[a]!;
        if (tree[q] !== t) continue;
        const pa = parent[q]!;
        if (pa >= 0 && head[pa] === o) {
          parent[q] = ORPHAN;
          orphans.push(q);
        } else if (t === 1 ? cap[rev[a]!]! > EPS : cap[a]! > EPS) activate(active, q);
      }
      tree[o] = 0;
      parent[o] = NONE;
    }
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = tree[i] === 1 ? 1 : 0;
  return out;
}
