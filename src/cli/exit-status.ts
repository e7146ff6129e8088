// A command's verdict that is not an error: its output is printed, then it ends the run with this exit code.

/** plan --fail-if-not-fits: the plan was printed and does not fit its budget. */
export const EXIT_NOT_FITS = 3;

/** Thrown by a command after it printed its output; main() returns the code and prints nothing more. */
export class ExitStatus {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {}
}
