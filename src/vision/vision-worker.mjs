// Worker-thread entry of the vision thread (vision-thread.ts). It registers tsx itself, so
// the TypeScript implementation loads whether or not the parent was started with `--import tsx`.
import { register } from 'tsx/esm/api';

register();
await import('./vision-worker.ts');
