// tinyforge's command line: parses arguments, reads files, prints results. No compiler logic lives here;
// each command is a file in commands/.
import { Command, CommanderError } from 'commander';
import { TinyforgeError } from '../errors.js';
import { escapeTerminal } from '../escape.js';
import { registerCompile } from './commands/compile.js';
import { registerDemo } from './commands/demo.js';
import { registerEval } from './commands/eval.js';
import { registerInspect } from './commands/inspect.js';
import { registerPlan } from './commands/plan.js';
import { registerProfile } from './commands/profile.js';
import { registerRun } from './commands/run.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress lines are drawn only then (src/cli/progress.ts). */
  stderrIsTTY?: boolean;
}

function buildProgram(io: CliIO): Command {
  const program = new Command('tinyforge')
    .description('TinyML compiler: int8 .tflite models to planned-memory WebAssembly and Cortex-M C')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerInspect(program, io);
  registerRun(program, io);
  registerPlan(program, io);
  registerProfile(program, io);
  registerCompile(program, io);
  registerDemo(program, io);
  registerEval(program, io);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 a TinyforgeError, 2 a usage error). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (e instanceof TinyforgeError) {
      // Messages carry model strings and tool output: one line, no terminal control sequences.
      io.stderr(`tinyforge: ${e.code}: ${escapeTerminal(e.message)}\n`);
      return e.code === 'E_USAGE' ? 2 : 1;
    }
    io.stderr(`tinyforge: internal error: ${escapeTerminal(e instanceof Error ? e.message : String(e))}\n`);
    return 70;
  }
}
