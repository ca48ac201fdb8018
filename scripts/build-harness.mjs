// Shared by the build stress scripts: a fresh UNIK_HOME seeded from your sources cache, a copy of an example
// app, and `unik` runs in it (niced: these scripts are meant to run next to other work).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');

export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/** A fresh home with the named sources added from the product's cache, and the example app copied. */
export function setup(example, sourceNames) {
  const productHome = process.env.UNIK_HOME ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'unik');
  const lock = JSON.parse(readFileSync(join(productHome, 'sources', 'sources.json'), 'utf8'));
  const home = mkdtempSync(join(tmpdir(), 'unik-stress-'));
  const app = join(mkdtempSync(join(tmpdir(), 'unik-stress-app-')), example);
  cpSync(join(root, 'examples', example), app, { recursive: true });
  const env = { ...process.env, UNIK_HOME: home };
  const unik = (...args) => spawnSync('nice', ['-n', '10', process.execPath, cli, ...args], { env, encoding: 'utf8' });
  const start = (...args) => spawn('nice', ['-n', '10', process.execPath, cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const name of sourceNames) {
    const r = unik('sources', 'add', name, lock.sources[name].path);
    if (r.status !== 0) throw new Error(`sources add ${name} failed: ${r.stderr}`);
  }
  return { home, app, unik, start };
}

export const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Processes whose command line names this home's build dirs (make, gcc, cc1, ld, the archive server), with their names. */
export function toolchainLeft(home) {
  const out = execFileSync('ps', ['-eo', 'pid=,comm=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(join(home, 'builds')) && !l.includes(process.argv[1])).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
}

/** The stored record of an image matches the file it names: size and sha256 (what a build's --json promised). */
export function recordMatches(home, image) {
  const stored = JSON.parse(readFileSync(join(home, 'images', image.id, 'record.json'), 'utf8'));
  return stored.sha256 === image.sha256 && stored.sizeBytes === image.sizeBytes && sha256(image.path) === image.sha256 && readFileSync(image.path).length === image.sizeBytes;
}
