import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../lib/errors.js';

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
 * Run `fn` with --creds written to a private auth file (directory 0700, file 0600) that is removed after:
 * skopeo reads the secret from there, so it never appears in a command line, a log or `ps`.
 */
export async function withAuthFile<T>(registry: string, creds: string, fn: (authFile: string) => Promise<T>): Promise<T> {
  const { user, password } = parseCreds(creds);
  const dir = await fsp.mkdtemp(join(tmpdir(), 'unik-auth-'));
  try {
    const file = join(dir, 'auth.json');
    await fsp.writeFile(file, authFileContent(registry, user, password), { mode: 0o600 });
    return await fn(file);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
