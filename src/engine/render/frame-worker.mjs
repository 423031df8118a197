// Worker-thread entry. Compiled (dist/src/engine/render/), the JavaScript beside it runs. From the
// sources (tests, benchmarks, `npm run dev`) it registers tsx itself: a parent's `--import tsx`
// does not reach worker threads on Node 20.
import { existsSync } from 'node:fs';

const compiled = new URL('./frame-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  (await import('tsx/esm/api')).register();
  await import('./frame-worker.ts');
}
