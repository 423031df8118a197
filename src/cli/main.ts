/**
 * The CLI: a tiny subcommand dispatcher. Each subcommand is a module exporting a
 * `Command`; add one to COMMANDS to extend it.
 */
import type { Command } from './command.js';
import { renderCommand } from './render-command.js';
import { serveCommand, workerCommand } from './service-commands.js';

const COMMANDS: Record<string, Command> = {
  render: renderCommand,
  serve: serveCommand,
  worker: workerCommand,
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
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
