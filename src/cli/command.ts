/** A CLI subcommand. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(argv: string[]): Promise<number>;
}
