import { writeSync } from 'node:fs';

/**
 * Write to stdout at once, without making process.stdout: for a pipe that stream loads net and stream, for a
 * terminal tty, ~5 ms of a start either way (a cached `unik build --json` prints one record). A reader that
 * stops reading (`unik images | head`) ends the output, not unik with a stack trace.
 */
export function writeOut(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(1, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      // A non-blocking stdout (shared with a parent that set O_NONBLOCK) that is full: wait for the reader.
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
const pause = new Int32Array(new SharedArrayBuffer(4));

let guarded = false;
/** process.stdout, for the commands that stream into it (logs, a guest's console), with writeOut's EPIPE rule. */
export function stdoutStream(): NodeJS.WriteStream {
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  return process.stdout;
}
