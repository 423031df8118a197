/**
 * `npm run worker`: a render worker without the HTTP server, for running several on
 * several machines (QUEUE=bullmq, STORE=postgres, MEDIA_DIR on shared storage).
 */
import { loadConfig } from './config.js';
import { runEntry } from './process/run-entry.js';
import { stopOnSignals } from './process/stop-on-signals.js';
import { buildWorker } from './worker.js';

runEntry('stillmotion worker', async () => {
  const config = loadConfig();
  const worker = await buildWorker(config);
  worker.start();
  worker.logger.info(
    { workers: config.workerConcurrency, queue: config.queue, pid: process.pid },
    'stillmotion worker ready',
  );
  stopOnSignals(worker);
});
