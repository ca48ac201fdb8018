import { which } from './which.js';

/**
 * Processes unik starts must not outlive it, however it ends (Ctrl-C, SIGTERM, kill -9, a crash). Both forms
 * use the kernel's parent-death signal (setpriv --pdeathsig): it fires even when unik is SIGKILLed.
 */
export interface Command {
  file: string;
  args: string[];
}

let found: { setpriv: boolean; timeout: boolean } | undefined;
/** Looked up on first use, not at import: a run under unik's reaper needs neither. */
const tools = () => (found ??= { setpriv: which('setpriv') !== null, timeout: which('timeout') !== null });

/** One process without children of its own (QEMU, a tender): the kernel SIGKILLs it when unik dies. */
export const tiedProcess = (file: string, args: string[]): Command =>
  tools().setpriv ? { file: 'setpriv', args: ['--pdeathsig', 'KILL', '--', file, ...args] } : { file, args };

/**
 * A tool with children of its own (make → sub-makes → gcc). A parent-death signal reaches only the direct
 * child and is not inherited, so the tool runs under coreutils' `timeout` with no time limit: timeout puts
 * itself and everything below it in a new process group, and on SIGALRM ("time is up") it sends --signal
 * to that whole group. setpriv makes SIGALRM timeout's parent-death signal, so when unik dies the whole
 * group is SIGKILLed. A SIGTERM to timeout (unik's own orderly cleanup) is passed on to the group as is.
 */
export const tiedGroup = (file: string, args: string[]): Command =>
  tools().setpriv && tools().timeout
    ? { file: 'setpriv', args: ['--pdeathsig', 'ALRM', '--', 'timeout', '--signal=KILL', '0', file, ...args] }
    : { file, args };
