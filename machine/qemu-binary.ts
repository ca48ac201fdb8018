import { statSync } from 'node:fs';
import { failure } from '../lib/errors.js';
import { which } from '../lib/which.js';

/** The system QEMU; UNIK_QEMU points elsewhere (e.g. a newer build). */
export const QEMU = process.env.UNIK_QEMU ?? 'qemu-system-x86_64';

let version: Promise<string> | null = null;

export function qemuVersion(): Promise<string> {
  version ??= import('execa').then(({ execa }) => execa(QEMU, ['--version'], { stdin: 'ignore' })).then(
    (r) => /version ([\d.]+)/.exec(r.stdout)?.[1] ?? r.stdout.split('\n')[0]!,
    () => {
      throw failure(`${QEMU} not found: install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86)`);
    },
  );
  return version;
}

/** The QEMU binary's path, size and mtime: what a cached measurement is keyed by (stat is cheap, --version is not). */
export function qemuBinaryStamp(): string {
  const path = which(QEMU);
  const st = path ? statSync(path) : null;
  return `${path}:${st?.size}:${st?.mtimeMs}`;
}
