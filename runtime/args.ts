import { resolve } from 'node:path';
import { DEFAULT_NETWORK_MODE, NETWORK_MODES, type NetworkMode } from './guest-network.js';

/**
 * The command line of unik-runtime, as runc takes it (runc(8) and its per-command pages): global flags before the
 * subcommand, then the subcommand's own flags and the container id. Flags this runtime has no use for are still
 * accepted (engines pass them whatever the runtime is), so the parse never fails on a flag runc knows.
 */
export interface GlobalFlags {
  /** Where containers' state lives; runc's default is /run/runc, this runtime's /run/unik-runtime. */
  root: string;
  log: string | null;
  logFormat: 'text' | 'json';
  systemdCgroup: boolean;
  debug: boolean;
  /** The runtime every non-unik bundle is handed to (--fallback or UNIK_RUNTIME_FALLBACK; default runc). */
  fallback: string;
  /** How a network guest is connected unless its annotation says (--guest-network or UNIK_RUNTIME_NETWORK). */
  guestNetwork: NetworkMode;
}

export type Command =
  | { name: 'create'; id: string; bundle: string; pidFile: string | null; consoleSocket: string | null }
  | { name: 'start' | 'state' | 'pause' | 'resume'; id: string }
  | { name: 'run'; id: string; bundle: string; pidFile: string | null; consoleSocket: string | null; detach: boolean }
  | { name: 'kill'; id: string; signal: string; all: boolean }
  | { name: 'delete'; id: string; force: boolean }
  | { name: 'ps'; id: string; format: 'table' | 'json' }
  | { name: 'exec' | 'update' | 'checkpoint' | 'restore' | 'events'; id: string }
  | { name: 'features' | 'version' | 'list' | 'help' };

export interface Parsed {
  global: GlobalFlags;
  command: Command;
  /** The words after the global flags, unchanged: what a pass-through hands to runc after runc's own globals. */
  rest: string[];
  /** The global flags as given, less this runtime's own (--fallback): what runc is given before `rest`. */
  globalArgv: string[];
}

export class ArgError extends Error {}

const DEFAULT_ROOT = '/run/unik-runtime';
/** Global flags that take a value (runc's: --root, --log, --log-format, --criu, --rootless; ours: --fallback, --guest-network). */
const GLOBAL_VALUED = new Set(['--root', '--log', '--log-format', '--criu', '--rootless', '--fallback', '--guest-network']);
/** This runtime's own global flags: never handed to runc. */
const OWN_GLOBALS = new Set(['--fallback', '--guest-network']);
/** Per-command flags that take a value; any other flag is a switch. */
const VALUED = new Set(['--bundle', '-b', '--pid-file', '--console-socket', '--format', '-f', '--pidfd-socket', '--preserve-fds', '--process', '-p', '--cwd', '--env', '-e', '--user', '-u', '--cap', '-c', '--additional-gids', '-g', '--apparmor', '--process-label', '--resources', '-r', '--memory', '--memory-swap', '--cpu-shares', '--cpu-period', '--cpu-quota', '--cpuset-cpus', '--cpuset-mems', '--pids-limit', '--kernel-memory', '--blkio-weight', '--image-path', '--work-path', '--parent-path', '--page-server', '--manage-cgroups-mode', '--empty-ns', '--lsm-profile', '--lsm-mount-context', '--interval', '--kill-signal']);

/** Pure: split `--flag=value` and `--flag value` pairs; a lone `-` or a non-flag word is a positional. */
function splitFlags(words: string[], valued: Set<string>): { flags: Map<string, string | true>; positional: string[] } {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      positional.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = eq > 0 ? w.slice(0, eq) : w;
    if (eq > 0) flags.set(name, w.slice(eq + 1));
    else if (valued.has(name)) {
      if (i + 1 >= words.length) throw new ArgError(`flag needs an argument: ${name}`);
      flags.set(name, words[++i]!);
    } else flags.set(name, true);
  }
  return { flags, positional };
}

const value = (flags: Map<string, string | true>, ...names: string[]): string | null => {
  for (const n of names) {
    const v = flags.get(n);
    if (typeof v === 'string') return v;
  }
  return null;
};
/** runc's boolean flags also take `=true`/`=false`. */
const on = (flags: Map<string, string | true>, ...names: string[]): boolean => names.some((n) => flags.get(n) === true || flags.get(n) === 'true');

/** Pure: the whole command line (argv after the program), or ArgError with runc's wording where it has one. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): Parsed {
  let i = 0;
  const globalArgv: string[] = [];
  const globalWords: string[] = [];
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const w = argv[i]!;
    const name = w.split('=')[0]!;
    const takes = GLOBAL_VALUED.has(name) && !w.includes('=');
    const words = takes ? [w, argv[i + 1] ?? ''] : [w];
    if (takes && i + 1 >= argv.length) throw new ArgError(`flag needs an argument: ${name}`);
    globalWords.push(...words);
    if (!OWN_GLOBALS.has(name)) globalArgv.push(...words);
    i += words.length;
  }
  const { flags: g } = splitFlags(globalWords, GLOBAL_VALUED);
  const logFormat = value(g, '--log-format') ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new ArgError(`invalid log-format: ${logFormat}`);
  const guestNetwork = value(g, '--guest-network') ?? env.UNIK_RUNTIME_NETWORK ?? DEFAULT_NETWORK_MODE;
  if (!(NETWORK_MODES as readonly string[]).includes(guestNetwork)) throw new ArgError(`--guest-network: expected ${NETWORK_MODES.join(' or ')}, found ${JSON.stringify(guestNetwork)}`);
  const global: GlobalFlags = {
    root: value(g, '--root') ?? DEFAULT_ROOT,
    log: value(g, '--log'),
    logFormat,
    systemdCgroup: on(g, '--systemd-cgroup'),
    debug: on(g, '--debug'),
    fallback: value(g, '--fallback') ?? env.UNIK_RUNTIME_FALLBACK ?? 'runc',
    guestNetwork: guestNetwork as NetworkMode,
  };
  const rest = argv.slice(i);
  if (on(g, '--version', '-v')) return { global, command: { name: 'version' }, rest, globalArgv };
  if (on(g, '--help', '-h') || rest.length === 0) return { global, command: { name: 'help' }, rest, globalArgv };
  const [sub, ...words] = rest as [string, ...string[]];
  const { flags, positional } = splitFlags(words, VALUED);
  const id = (): string => {
    const v = positional[0];
    if (!v) throw new ArgError(`"${sub}" requires a container id`);
    // runc's own rule for ids: they become directory names under --root.
    if (!/^[\w+\-.]+$/.test(v) || v === '.' || v === '..') throw new ArgError(`invalid id format: ${v}`);
    return v;
  };
  const bundle = () => resolve(value(flags, '--bundle', '-b') ?? '.');
  switch (sub) {
    case 'create':
      return { global, rest, globalArgv, command: { name: 'create', id: id(), bundle: bundle(), pidFile: value(flags, '--pid-file'), consoleSocket: value(flags, '--console-socket') } };
    case 'run':
      return { global, rest, globalArgv, command: { name: 'run', id: id(), bundle: bundle(), pidFile: value(flags, '--pid-file'), consoleSocket: value(flags, '--console-socket'), detach: on(flags, '--detach', '-d') } };
    case 'start':
    case 'state':
    case 'pause':
    case 'resume':
    case 'exec':
    case 'update':
    case 'checkpoint':
    case 'restore':
    case 'events':
      return { global, rest, globalArgv, command: { name: sub, id: id() } };
    case 'kill':
      return { global, rest, globalArgv, command: { name: 'kill', id: id(), signal: positional[1] ?? 'SIGTERM', all: on(flags, '--all', '-a') } };
    case 'delete':
      return { global, rest, globalArgv, command: { name: 'delete', id: id(), force: on(flags, '--force', '-f') } };
    case 'ps': {
      const format = value(flags, '--format', '-f') ?? 'table';
      if (format !== 'table' && format !== 'json') throw new ArgError(`invalid format option: ${format}`);
      return { global, rest, globalArgv, command: { name: 'ps', id: id(), format } };
    }
    case 'features':
    case 'list':
    case 'help':
      return { global, rest, globalArgv, command: { name: sub } };
    default:
      throw new ArgError(`No help topic for '${sub}'`);
  }
}

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15,
  STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

/** Pure: a signal as runc's kill takes it (KILL, SIGKILL, 9) → its number on Linux x86_64, or ArgError. */
export function signalNumber(s: string): number {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
  } else {
    const n = SIGNALS[s.toUpperCase().replace(/^SIG/, '')];
    if (n) return n;
  }
  throw new ArgError(`unknown signal "${s}"`);
}

/** Pure: a Linux signal number → the name node's process.kill takes (SIGTERM), or the number itself for real-time ones. */
export function signalName(n: number): NodeJS.Signals | number {
  const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
  return name ? (`SIG${name}` as NodeJS.Signals) : n;
}
