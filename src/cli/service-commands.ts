/**
 * `stillmotion serve` and `stillmotion worker`: the same entry points as `npm start` and
 * `npm run worker`. From here on the entry point owns the process (configuration from
 * the environment, exit on SIGTERM/SIGINT), so these commands never resolve.
 */
import type { Command } from './command.js';

function entryPoint(summary: string, load: () => Promise<unknown>): Command {
  return {
    summary,
    async run(argv) {
      if (argv.includes('--help') || argv.includes('-h')) {
        console.log(`${summary}\nConfigured by environment variables (see README "Configuration"); no options.`);
        return 0;
      }
      await load();
      return new Promise<number>(() => undefined);
    },
  };
}

export const serveCommand = entryPoint(
  'run the API server with embedded workers (same as npm start)',
  () => import('../main.js'),
);
export const workerCommand = entryPoint(
  'run a render worker without HTTP (same as npm run worker)',
  () => import('../worker-main.js'),
);
