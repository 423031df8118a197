/**
 * `npm run worker`: a render worker without the HTTP server, for running several on
 * several machines (QUEUE=bullmq, STORE=postgres, MEDIA_DIR on shared storage).
 */
import { ConfigError, loadConfig } from './config.js';
import { WorkerConfigError, buildWorker } from './worker.js';
import { stopOnSignals } from './process/stop-on-signals.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`stillmotion worker: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  let worker;
  try {
    worker = await buildWorker(config);
  } catch (err) {
    if (err instanceof WorkerConfigError) {
      console.error(`stillmotion worker: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  worker.start();
  worker.logger.info({ workers: config.workerConcurrency, queue: config.queue, pid: process.pid }, 'stillmotion worker ready');

  stopOnSignals(worker);
}

main().catch((err) => {
  console.error('stillmotion worker: failed to start', err);
  process.exit(1);
});
