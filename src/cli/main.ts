/**
 * The CLI: a tiny subcommand dispatcher. Each subcommand is a module exporting a
 * `Command`; add one to COMMANDS to extend it.
 *
 * Commands are imported only when they run: `render` pulls in the whole engine (sharp,
 * canvas, the frame and vision threads), which `--help`, `serve` and `worker` need not
 * load first (the entry points load what they use themselves).
 */
import { pathToFileURL } from 'node:url';
import type { Command } from './command.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: {
    summary: 'render a clip from an image with the local engine',
    load: async () => (await import('./render-command.js')).renderCommand,
  },
  serve: {
    summary: 'run the API server with embedded workers (same as npm start)',
    load: async () => (await import('./service-commands.js')).serveCommand,
  },
  worker: {
    summary: 'run a render worker without HTTP (same as npm run worker)',
    load: async () => (await import('./service-commands.js')).workerCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: stillmotion <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "stillmotion <command> --help" for a command's options.`;
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

// Run directly from the sources (`node --import tsx src/cli/main.ts render …`, as the docs'
// lab notes do) it runs too; imported by bin/stillmotion.mjs it only exports `main`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
