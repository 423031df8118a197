/**
 * The start of `npm start` and `npm run worker`: runs `start`; a configuration error is
 * one line and exit 2, anything else that stops the start is exit 1 with its stack.
 */
import { ConfigError } from '../config.js';

export function runEntry(name: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`${name}: configuration error: ${err.message}`);
      process.exit(2);
    }
    console.error(`${name}: failed to start`, err);
    process.exit(1);
  });
}
