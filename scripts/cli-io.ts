/**
 * What a command-line script talks to: its output, its errors and its environment. The
 * scripts take it as a parameter so tests run them in-process and read what they print.
 */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** The real process: stdout, stderr and process.env. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
}

/** Runs `main` when the file is the entry point, and sets the exit code it returns. */
export function runCli(module: NodeJS.Module, main: (argv: string[]) => Promise<number>): void {
  if (require.main !== module) return;
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
