// Worker-thread entry. It registers tsx itself, so the TypeScript implementation loads
// whether or not the parent process was started with `--import tsx` (the CLI's bin is not).
import { register } from 'tsx/esm/api';

register();
await import('./frame-worker.ts');
