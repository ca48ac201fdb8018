import { createReadStream, unlinkSync, promises as fsp } from 'node:fs';
// node:fs's `promises` loads fs/promises at first use: importing node:fs/promises here would cost every `unik run` its load (1.5 ms).
import { dirname, join, basename } from 'node:path';

/** A sibling temp path, so the final rename stays on one filesystem and is atomic. */
export function tempSibling(path: string): string {
  // pid + time + random: unique enough for a sibling temp name without loading node:crypto on hot paths.
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return join(dirname(path), `.${basename(path)}.tmp-${tag}`);
}

/** Write a file so that readers see either the old content or the whole new one, never half. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export const writeJsonAtomic = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

export async function sha256File(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Pure: the pid in a name tempSibling made (".NAME.tmp-PID-…"), or null for any other name. */
export function scratchOwner(name: string): number | null {
  const m = /^\..*\.tmp-(\d{1,10})-[0-9a-z]+-[0-9a-z]*$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Remove a file that may already be gone. */
export function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
