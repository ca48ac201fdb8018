import { statSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { failure, usageError, UnikError } from '../lib/errors.js';
import { humanBytes } from '../lib/format.js';
import { logPathFor, type Layout } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import { IdleTimeout, openStepRunner } from '../lib/steps.js';
import { which } from '../lib/which.js';
import { withAuthFile } from './creds.js';
import { loopbackHost, type ImageRef } from './ref.js';

/**
 * The registry transport: skopeo (containers/image), driven through the step runner like every other tool.
 * unik builds and verifies the OCI layout itself; skopeo only moves it between a layout directory and a
 * registry, with the registry's auth, TLS and blob-reuse rules done the way podman and CRI-O do them.
 */
export interface RegistryOptions {
  /** USER:PASSWORD; otherwise REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.docker/config.json. */
  creds?: string;
  /** A directory of *.crt CA certificates (and client *.cert/*.key) for the registry's TLS. */
  certDir?: string;
  /** Allow plain HTTP and unverified TLS for a registry that is not on loopback. */
  insecure?: boolean;
  progress?: ProgressSink;
}

export type Direction = 'push' | 'pull';

/** Pure: skopeo copy's arguments for one transfer between a layout directory and a registry. */
export function skopeoArgs(direction: Direction, ref: ImageRef, layoutDir: string, o: { tlsVerify: boolean; certDir?: string; authFile?: string; digestFile?: string }): string[] {
  const side = direction === 'push' ? 'dest' : 'src';
  const remote = `docker://${ref.canonical}`;
  const local = `oci:${layoutDir}:${ref.tag ?? 'unik'}`;
  return [
    'copy',
    // push: the registry must hold exactly the manifest unik built (same digest), never a converted one.
    ...(direction === 'push' ? ['--preserve-digests'] : []),
    ...(o.digestFile ? ['--digestfile', o.digestFile] : []),
    `--${side}-tls-verify=${o.tlsVerify}`,
    ...(o.certDir ? [`--${side}-cert-dir`, o.certDir] : []),
    ...(o.authFile ? [`--${side}-authfile`, o.authFile] : []),
    ...(direction === 'push' ? [local, remote] : [remote, local]),
  ];
}

/** Pure: skopeo's last fatal message (containers/image errors are one long line). */
export const fatalMessage = (output: string): string => {
  const m = [...output.matchAll(/level=fatal msg="((?:[^"\\]|\\.)*)"/g)].at(-1)?.[1];
  return (m ?? output.trim().split('\n').at(-1) ?? '').replace(/\\"/g, '"');
};

/**
 * Pure: one line for a failed transfer, from skopeo's output; 'plain-http' when the registry answered
 * HTTPS with HTTP (the caller decides whether HTTP is allowed). Runtime trouble exits 1, bad input 2.
 */
export function registryError(output: string, ref: ImageRef, direction: Direction): UnikError | 'plain-http' {
  const msg = fatalMessage(output);
  const r = ref.registry;
  if (/server gave HTTP response to HTTPS client/.test(msg)) return 'plain-http';
  if (/no space left on device|disk quota exceeded/i.test(msg)) return failure(`no space left on the device while pulling ${ref.canonical}; nothing stored`);
  if (/unauthorized|authentication required|incorrect username or password|invalid username\/password/i.test(msg)) {
    return failure(`registry ${r} refused the credentials (unauthorized): check --creds, REGISTRY_AUTH_FILE or ~/.docker/config.json`);
  }
  if (/denied/i.test(msg)) return failure(`registry ${r} denied ${direction === 'push' ? 'pushing to' : 'pulling'} ${ref.repository} with these credentials`);
  if (/connection refused/.test(msg)) return failure(`registry ${r} is not reachable (connection refused): is it running?`);
  if (/no such host|server misbehaving|Temporary failure in name resolution/.test(msg)) return failure(`registry ${r}: unknown host ${ref.host}`);
  if (/i\/o timeout|deadline exceeded|no route to host|network is unreachable|connection reset/.test(msg)) return failure(`registry ${r} did not answer (${/timeout|deadline/.test(msg) ? 'timed out' : 'network unreachable'})`);
  if (/x509|certificate|tls:/i.test(msg)) return failure(`registry ${r}: its TLS certificate is not trusted (${msg.replace(/^.*?(x509: |tls: )/, '$1').slice(0, 120)}); pass --cert-dir DIR holding its CA certificate (*.crt)`);
  // A manifest naming a digest that is not one (the registry then answers "not found" for it): say so.
  const malformed = (msg.match(/\bsha256:[^\s"',;)]*/g) ?? []).find((d) => !/^sha256:[0-9a-f]{64}$/.test(d));
  if (!/did not match/i.test(msg) && (malformed !== undefined || /invalid (checksum )?digest|unsupported digest algorithm/i.test(msg))) {
    const shown = malformed ? ` (${JSON.stringify(malformed.length > 80 ? `${malformed.slice(0, 77)}...` : malformed)})` : '';
    return usageError(`${ref.canonical}: the registry's manifest names a malformed digest${shown}; refused, nothing stored`);
  }
  if (/manifest unknown|name unknown|not found/i.test(msg)) return failure(`${ref.canonical}: not found in registry ${r}`);
  if (/no image found in (manifest list|image index) for architecture|no matching manifest/i.test(msg)) {
    return usageError(`${ref.canonical}: expected an image for linux/amd64, found none in its index`);
  }
  if (/digest|does not match/i.test(msg)) {
    const m = /expected (sha256:[0-9a-f]{64}), got (sha256:[0-9a-f]{64})/.exec(msg);
    return failure(`${ref.canonical}: a blob does not match its digest${m ? ` (expected ${m[1]}, got ${m[2]})` : ''}; refused, nothing stored`);
  }
  return failure(`${direction} of ${ref.canonical} failed: ${msg.slice(0, 300)}`);
}

/** How long a transfer may move no byte before it is given up: 60 s, or UNIK_REGISTRY_IDLE_TIMEOUT seconds. */
export function idleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.UNIK_REGISTRY_IDLE_TIMEOUT);
  return (Number.isFinite(s) && s > 0 ? s : 60) * 1000;
}

/** Check --cert-dir before anything runs. */
function checkCertDir(dir: string | undefined): void {
  if (dir !== undefined && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`--cert-dir: expected a directory holding the registry's CA certificate (*.crt), found ${JSON.stringify(dir)}`);
  }
}

/**
 * Copy between an OCI layout directory and a registry. TLS is verified unless --insecure; a loopback
 * registry that answers in plain HTTP is retried over HTTP (traffic that never leaves the machine).
 */
export async function transfer(l: Layout, direction: Direction, ref: ImageRef, layoutDir: string, o: RegistryOptions, push?: { digestFile: string; bytes: number }): Promise<void> {
  const skopeo = which('skopeo');
  if (!skopeo) throw failure('skopeo is not installed: apt-get install skopeo (unik moves images to and from registries with it)');
  checkCertDir(o.certDir);
  const logName = ref.repository.replace(/[^a-z0-9-]+/g, '-');
  const digestFile = push?.digestFile;
  const progress = o.progress && transferProgress(o.progress, layoutDir, direction);
  const attempt = async (tlsVerify: boolean, authFile?: string): Promise<void> => {
    const run = await openStepRunner(logPathFor(l, direction, logName), progress?.sink);
    try {
      await run.step(push ? `pushing ${humanBytes(push.bytes)} to ${ref.canonical}` : `pulling ${ref.canonical}`, skopeo, skopeoArgs(direction, ref, layoutDir, {
        tlsVerify,
        ...(o.certDir ? { certDir: o.certDir } : {}),
        ...(authFile ? { authFile } : {}),
        ...(digestFile ? { digestFile } : {}),
      }), { timeoutMs: 30 * 60_000, idleTimeoutMs: idleTimeoutMs() });
    } catch (e) {
      if (e instanceof IdleTimeout) {
        throw failure(`registry ${ref.registry} sent and took nothing for ${Math.round(e.idleMs / 1000)} s during the ${direction} of ${ref.canonical}; gave up, nothing stored (UNIK_REGISTRY_IDLE_TIMEOUT=SECONDS waits longer) (log: ${e.logPath})`);
      }
      if (!(e instanceof UnikError)) throw e;
      const err = registryError(e.detail ?? '', ref, direction);
      if (err === 'plain-http' && tlsVerify && (await loopbackHost(ref.host))) return attempt(false, authFile);
      if (err === 'plain-http') throw usageError(`${ref.registry} answers in plain HTTP: unik uses HTTP only for loopback addresses and localhost, or with --insecure`);
      throw new UnikError(`${err.message} (log: ${run.logPath})`, err.exitCode);
    } finally {
      await run.close();
    }
  };
  try {
    if (o.creds) await withAuthFile(ref.registry, o.creds, (f) => attempt(!o.insecure, f));
    else await attempt(!o.insecure);
  } finally {
    progress?.stop();
  }
}

/** Bytes under a directory (a pull's layout while skopeo writes it). */
async function bytesUnder(dir: string): Promise<number> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const e of entries) if (e.isFile()) n += (await fsp.stat(join(e.parentPath, e.name)).catch(() => ({ size: 0 }))).size;
  return n;
}

/**
 * The TTY line while a transfer runs: skopeo's current step, and for a pull the bytes received so far,
 * every half second, so a large layer shows that it is moving.
 */
function transferProgress(sink: ProgressSink, layoutDir: string, direction: Direction) {
  let last = '';
  const show = (line: string) => sink((last = line));
  const timer = direction === 'pull' ? setInterval(() => void bytesUnder(layoutDir).then((n) => n && sink(`${last} · ${humanBytes(n)} received`)), 500) : null;
  timer?.unref();
  return { sink: show, stop: () => timer && clearInterval(timer) };
}
