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
  /** Append the remaining time, extrapolated from the rate so far (long uniform work: training). */
  eta?: boolean;
}

/** Seconds as "42s", "3m05s" or "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const SILENT: Progress = { update() {}, end() {}, enabled: false };

export function createProgress(io: CliIO, label: string, options: ProgressOptions = {}): Progress {
  if (options.json || io.stderrIsTTY !== true) return SILENT;
  const now = options.now ?? Date.now;
  const started = options.eta ? now() : 0;
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
      const eta = options.eta && done > 0 && done < total ? `, ETA ${formatDuration((((t - started) / done) * (total - done)) / 1000)}` : '';
      const line = `${label}: ${done}/${total} (${pct}%)${eta}`;
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
