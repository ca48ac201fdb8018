/** What restored copies share, said once per restore (README: "Warm starts from a snapshot"). Its own file: the CLI loads it without the snapshot code. */
export const SHARED_STATE_NOTE =
  'restoring a snapshot: every copy continues with the same RNG state and TCP sequence numbers, and its wall clock lags by the time since the save (see README, warm starts)';
