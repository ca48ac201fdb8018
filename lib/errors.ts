/** Exit codes are part of unik's contract: scripts and CI rely on them. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one error type unik raises on purpose. `message` is a single line the CLI prints as is;
 * `detail` (e.g. a build-log tail) is printed after it on a TTY and included in --json output.
 */
export class UnikError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'UnikError';
  }
}

/** Bad input from the user: manifest, flags, names. Exit 2. */
export const usageError = (message: string): UnikError => new UnikError(message, EXIT.usage);

/** A toolchain, VMM or runtime step failed. Exit 1. */
export const failure = (message: string, detail?: string): UnikError =>
  new UnikError(message, EXIT.failure, detail);
