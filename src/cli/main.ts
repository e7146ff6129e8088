// tinyforge's command line: parses arguments, reads files, prints results. No compiler logic lives here;
// each command is a file in commands/.
import { Command, CommanderError } from 'commander';
import { TinyforgeError } from '../errors.js';
import { escapeTerminal } from '../escape.js';
import { ExitStatus } from './exit-status.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress lines are drawn only then (src/cli/progress.ts). */
  stderrIsTTY?: boolean;
}

type Register = (program: Command, io: CliIO) => void;

/** Every command, in --help order; each file (and what it imports) loads only when its command runs or help lists them all. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  inspect: async () => (await import('./commands/inspect.js')).registerInspect,
  run: async () => (await import('./commands/run.js')).registerRun,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  profile: async () => (await import('./commands/profile.js')).registerProfile,
  compile: async () => (await import('./commands/compile.js')).registerCompile,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  eval: async () => (await import('./commands/eval.js')).registerEval,
  quantize: async () => (await import('./commands/quantize.js')).registerQuantize,
  cluster: async () => (await import('./commands/cluster.js')).registerCluster,
  qat: async () => (await import('./commands/qat.js')).registerQat,
  train: async () => (await import('./commands/train.js')).registerTrain,
  prune: async () => (await import('./commands/prune.js')).registerPrune,
  nas: async () => (await import('./commands/nas.js')).registerNas,
};

/** The commands argv needs: the one it names; none for a bare --version; all for help, typos and the rest. */
function commandsFor(argv: string[]): string[] {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (first === undefined && (argv.includes('--version') || argv.includes('-V')) && !argv.includes('--help') && !argv.includes('-h')) return [];
  return Object.keys(COMMANDS);
}

async function buildProgram(io: CliIO, argv: string[]): Promise<Command> {
  const program = new Command('tinyforge')
    .description('TinyML compiler: int8 .tflite models to planned-memory WebAssembly and Cortex-M C')
    .version('0.1.0')
    // commander's own errors are reported by main() in the one tinyforge format, not printed here.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();
  const names = commandsFor(argv);
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program, io);
  return program;
}

/** Exit code for a usage error (commander's or E_USAGE); 1 for any other TinyforgeError; 70 for a bug. */
const EXIT_USAGE = 2;
const EXIT_ERROR = 1;
const EXIT_INTERNAL = 70;

/** The one shape every error takes before it is printed: a code, a one-line message, the facts. */
interface ErrorReport {
  code: string;
  message: string;
  details: Readonly<Record<string, unknown>>;
  exit: number;
}

function reportOf(e: unknown): ErrorReport {
  if (e instanceof CommanderError) {
    // commander says "error: unknown option '--x'": the prefix is replaced by ours.
    const message = `${e.message.replace(/^error: /, '')} (run with --help for usage)`;
    return { code: 'E_USAGE', message, details: { commander: e.code }, exit: EXIT_USAGE };
  }
  if (e instanceof TinyforgeError) return { code: e.code, message: e.message, details: e.details, exit: e.code === 'E_USAGE' ? EXIT_USAGE : EXIT_ERROR };
  return { code: 'E_INTERNAL', message: `internal error: ${e instanceof Error ? e.message : String(e)}`, details: {}, exit: EXIT_INTERNAL };
}

/** Details may hold bigints (tensor sizes from the flatbuffer), which JSON.stringify refuses. */
const jsonSafe = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** --json anywhere among the options (before a `--`): the error goes to stdout as JSON too, even when commander could not parse the rest. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 a TinyforgeError, 2 a usage error, 70 a bug). Every error,
 * commander's included, is one stderr line `tinyforge: CODE: message`, or with --json
 * `{"error": {"code", "message", "details"}}` on stdout.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof ExitStatus) return e.code;
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')) return 0;
    const r = reportOf(e);
    if (wantsJson(argv)) {
      io.stdout(`${JSON.stringify({ error: { code: r.code, message: r.message, details: r.details } }, jsonSafe, 2)}\n`);
    } else {
      // Messages carry model strings and tool output: one line, no terminal control sequences.
      io.stderr(`tinyforge: ${r.code}: ${escapeTerminal(r.message)}\n`);
    }
    return r.exit;
  }
}
