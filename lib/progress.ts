/** Where the current step is shown: a TTY line that rewrites itself, or nothing (quiet, still logged). */
export type ProgressSink = (title: string) => void;
