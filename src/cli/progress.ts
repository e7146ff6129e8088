// A progress line on stderr for long work (the --patch auto search, --measure runs): redrawn in place
// with \r while stderr is a terminal; silent when stderr is not a TTY (pipes, CI, tests) and with --json.
import type { CliIO } from './main.js';

export interface Progress {
  /** done of total units; redraws at most every 100 ms (and always at the end). */
  update(done: number, total: number): void;
  /** Clears the line; the next output starts on a clean line. */
  end(): void;
  /** Whether anything is drawn. */
  readonly enabled: boolean;
}

export interface ProgressOptions {
  /** --json: machine-readable output wants a quiet stderr. */
  json?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

const SILENT: Progress = { update() {}, end() {}, enabled: false };

export function createProgress(io: CliIO, label: string, options: ProgressOptions = {}): Progress {
  if (options.json || io.stderrIsTTY !== true) return SILENT;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let width = 0;
  let drawn = false;
  return {
    enabled: true,
    update(done, total) {
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      const line = `${label}: ${done}/${total} (${pct}%)`;
      io.stderr(`\r${line}${' '.repeat(Math.max(0, width - line.length))}`);
      width = line.length;
      drawn = true;
    },
    end() {
      if (drawn) io.stderr(`\r${' '.repeat(width)}\r`);
      drawn = false;
      width = 0;
    },
  };
}
