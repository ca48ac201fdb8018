import { readFileSync } from 'node:fs';
import { fileStamp } from './file-stamp.js';
import { sha256 } from './sha256.js';
import { recall, remember } from './text-memo.js';

/**
 * sha256 digests remembered across starts (lib/text-memo.ts): a cached build hashes the app's sources, unik's
 * patches and its key, and loading node:crypto for that was its largest cost left (~8 ms). A file's digest is
 * kept under its path and stamp (lib/file-stamp.ts), a text's under the text itself.
 */
const known = (key: string): string | null => {
  const v = recall('sha256', key)?.value;
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : null;
};

/** The sha256 (hex) of a file's bytes. */
export function fileSha256(path: string): string {
  const before = fileStamp(path);
  // Only a stamp a second old counts, and it is taken before reading: a write since then changes the ctime.
  const key = before?.settled ? `file\0${path}\0${before.stamp}` : null;
  const hit = key ? known(key) : null;
  if (hit) return hit;
  const digest = sha256().update(readFileSync(path)).digest('hex');
  if (key) remember('sha256', key, digest);
  return digest;
}

/** The sha256 (hex) of a text's UTF-8 bytes. */
export function textSha256(text: string): string {
  const key = `text\0${text}`;
  const hit = known(key);
  if (hit) return hit;
  const digest = sha256().update(text).digest('hex');
  remember('sha256', key, digest);
  return digest;
}
