/**
 * `npm start`: the API server plus embedded workers on the default (zero-setup) adapters.
 */
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { runEntry } from './process/run-entry.js';
import { stopOnSignals } from './process/stop-on-signals.js';

runEntry('stillmotion', async () => {
  const config = loadConfig();
  const app = await buildApp(config);
  await app.server.listen({ port: config.port, host: config.host });
  app.start();
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  app.logger.info(
    { dataDir: config.dataDir, workers: config.workerConcurrency, port },
    `stillmotion listening on http://${host}:${port} (docs at /docs)`,
  );
  stopOnSignals(app);
});
