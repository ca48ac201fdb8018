import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { usageError } from './errors.js';

/**
 * Where unik keeps its state. UNIK_HOME relocates all of it; otherwise XDG_DATA_HOME/unik.
 * The path ends up in make command lines, so it must not contain whitespace or shell/make metacharacters.
 */
export function unikHome(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.UNIK_HOME
    ? resolve(env.UNIK_HOME)
    : join(env.XDG_DATA_HOME ? resolve(env.XDG_DATA_HOME) : join(homedir(), '.local', 'share'), 'unik');
  if (!/^[A-Za-z0-9._/+-]+$/.test(base)) {
    throw usageError(`UNIK_HOME: expected a path of letters, digits and ._/+- only, found "${base}"`);
  }
  return base;
}

/** The fixed layout under UNIK_HOME; every room asks here instead of joining paths itself. */
export function layout(home: string = unikHome()) {
  return {
    home,
    sources: join(home, 'sources'),
    archives: join(home, 'sources', 'archives'),
    sourcesLock: join(home, 'sources', 'sources.json'),
    toolchains: join(home, 'toolchains'),
    images: join(home, 'images'),
    /** Registry references pushed or pulled here → image id and manifest digest (oci/refs.ts). */
    refs: join(home, 'refs.json'),
    builds: join(home, 'builds'),
    logs: join(home, 'logs'),
    instances: join(home, 'instances'),
    probes: join(home, 'probes'),
    /** Per-bench scratch (twin rootfs, OCI bundle, private runtime state); removed when the bench ends. */
    bench: join(home, 'bench'),
  };
}
export type Layout = ReturnType<typeof layout>;

/** A fresh, time-stamped log file path for one toolchain run (kind: build, twin, …). */
export const logPathFor = (l: Layout, kind: string, name: string): string =>
  join(l.logs, `${kind}-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
