// Worker-thread entry of the layer thread (layer-thread.ts). Compiled (dist/src/engine/scene/),
// the JavaScript beside it runs. From the sources it registers tsx itself (a parent's
// `--import tsx` does not reach worker threads on Node 20).
import { existsSync } from 'node:fs';

const compiled = new URL('./layer-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  (await import('tsx/esm/api')).register();
  await import('./layer-worker.ts');
}
