import { promises as fsp, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../lib/errors.js';
import { removeOnExit } from '../lib/exit-cleanup.js';
import { isAlive } from '../lib/pid.js';

/** Pure: "USER:PASSWORD" → its parts; the message never repeats what was typed (it holds a secret). */
export function parseCreds(s: string): { user: string; password: string } {
  const at = s.indexOf(':');
  const user = s.slice(0, at);
  const password = s.slice(at + 1);
  if (at <= 0 || !password || /[\u0000-\u001f\u007f]/.test(s)) {
    throw usageError('--creds: expected USER:PASSWORD (both non-empty, no control characters), found something else');
  }
  return { user, password };
}

/** Pure: a containers-auth.json / docker config.json holding one registry's credentials. */
export const authFileContent = (registry: string, user: string, password: string): string =>
  JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${user}:${password}`, 'utf8').toString('base64') } } });

/**
 * Where the auth file goes: the user's private runtime directory ($XDG_RUNTIME_DIR, else /run/user/UID), a
 * tmpfs owned by the user alone that the system empties at logout and reboot; /tmp only where neither exists.
 */
export function privateRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? -1;
  for (const dir of [env.XDG_RUNTIME_DIR, `/run/user/${uid}`]) {
    const st = dir ? statSync(dir, { throwIfNoEntry: false }) : undefined;
    if (dir && st?.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0) return dir;
  }
  return tmpdir();
}

const AUTH_DIR = /^unik-auth-(\d{1,10})-/;

/** Remove auth directories whose unik is gone (a SIGKILL skips every cleanup): a password never lies around. */
async function sweepAuthDirs(base: string): Promise<void> {
  for (const name of await fsp.readdir(base).catch(() => [] as string[])) {
    const pid = AUTH_DIR.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) await fsp.rm(join(base, name), { recursive: true, force: true });
  }
}

/**
 * Run `fn` with --creds written to a private auth file (directory 0700, file 0600) that is removed after,
 * also on Ctrl-C or SIGTERM (lib/exit-cleanup.ts): skopeo reads the secret from there, so it never appears in
 * a command line, a log or `ps`.
 */
export async function withAuthFile<T>(registry: string, creds: string, fn: (authFile: string) => Promise<T>): Promise<T> {
  const { user, password } = parseCreds(creds);
  const base = privateRuntimeDir();
  await sweepAuthDirs(base);
  const dir = await fsp.mkdtemp(join(base, `unik-auth-${process.pid}-`));
  const drop = removeOnExit(dir);
  try {
    const file = join(dir, 'auth.json');
    await fsp.writeFile(file, authFileContent(registry, user, password), { mode: 0o600 });
    return await fn(file);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
    drop();
  }
}
