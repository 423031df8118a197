// The stillmotion command from the sources (`node --import tsx test/support/run-cli.ts …`):
// what bin/stillmotion.mjs runs from dist/, for tests that must not depend on a build.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
