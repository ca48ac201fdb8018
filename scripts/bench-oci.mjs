#!/usr/bin/env node
// Push/pull numbers against a local registry (never part of the tests):
//   npm run bench:oci [-- --runs 5] [--examples hello-unikraft,hello-osv]
// For hello-unikraft and hello-osv (built through the product's image cache, so usually no build):
//  - first push into an empty registry (a fresh docker-registry, TLS + htpasswd, per run): median of N
//  - push again (the registry has every blob): median of N, the manifest digest each time, bytes uploaded
//  - pull into an empty UNIK_HOME: median of N, and `skopeo copy` of the same image alone (the transport floor)
// Bytes uploaded come from the registry's own log (completed blob uploads), not from unik.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, uploadedBlobs, uploadStarts } from './registry.mjs';
import { median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(arg('--runs')) || 5;
const examples = (arg('--examples') ?? 'hello-unikraft,hello-osv').split(',');

const timed = (file, args, env = process.env) => {
  const t0 = performance.now();
  const r = spawnSync(file, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms: performance.now() - t0, out: r.stdout };
};
const unik = (args, env) => timed(process.execPath, [cli, ...args], env);
const tmp = (tag) => mkdtempSync(join(tmpdir(), `unik-bench-oci-${tag}-`));
const ms = (xs) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

async function measure(example) {
  const image = JSON.parse(unik(['build', join(root, 'examples', example), '--json']).out).image;
  const creds = (reg) => ['--creds', `${reg.user}:${reg.password}`, '--cert-dir', reg.certDir];
  const ref = (reg) => `${reg.address}/bench/${image.name}:1`;

  const firstPush = [];
  let sizes = null;
  for (let i = 0; i < runs; i++) {
    const reg = await startRegistry();
    try {
      const r = unik(['push', image.id, ref(reg), ...creds(reg), '--json']);
      firstPush.push(r.ms);
      sizes = JSON.parse(r.out);
    } finally {
      await reg.stop();
      rmSync(reg.dataDir, { recursive: true, force: true });
    }
  }

  const reg = await startRegistry();
  try {
    unik(['push', image.id, ref(reg), ...creds(reg)]);
    const mark = reg.logSize();
    const again = [];
    const digests = new Set();
    for (let i = 0; i < runs; i++) {
      const r = unik(['push', image.id, ref(reg), ...creds(reg), '--json']);
      again.push(r.ms);
      digests.add(JSON.parse(r.out).digest);
    }
    const log = reg.logSince(mark);
    const uploaded = uploadedBlobs(log);
    const bytes = uploaded.reduce((n, d) => n + (sizes.blobs.find((b) => b.digest === d)?.size ?? 0), 0);

    const auth = join(tmp('auth'), 'auth.json');
    writeFileSync(auth, JSON.stringify({ auths: { [reg.address]: { auth: Buffer.from(`${reg.user}:${reg.password}`).toString('base64') } } }));
    const pull = [];
    const skopeo = [];
    const node = [];
    for (let i = 0; i < runs; i++) {
      node.push(timed(process.execPath, ['-e', '0']).ms);
      const home = tmp('home');
      pull.push(unik(['pull', ref(reg), '--cert-dir', reg.certDir], { ...process.env, UNIK_HOME: home, REGISTRY_AUTH_FILE: auth }).ms);
      const layoutDir = tmp('layout');
      skopeo.push(timed('skopeo', ['copy', '--src-authfile', auth, '--src-cert-dir', reg.certDir, `docker://${ref(reg)}`, `oci:${layoutDir}:x`]).ms);
      rmSync(home, { recursive: true, force: true });
      rmSync(layoutDir, { recursive: true, force: true });
    }
    const total = sizes.blobs.reduce((n, b) => n + b.size, 0);
    console.log(`${image.name} (${image.id}): ${total} B in ${sizes.blobs.length} blobs (config + gzip layer)`);
    console.log(`  first push, empty registry:   ${ms(firstPush)}`);
    console.log(`  push again, same registry:    ${ms(again)}; manifest digests over ${runs + 1} pushes: ${[...digests].join(', ')}${digests.has(sizes.digest) ? ' (= the first push)' : ' (DIFFERS from the first push)'}`);
    console.log(`  uploaded by the ${runs} repeat pushes: ${uploaded.length} blobs, ${bytes} B (upload requests started: ${uploadStarts(log)})`);
    console.log(`  pull into an empty UNIK_HOME: ${ms(pull)}`);
    console.log(`  skopeo copy alone (floor):    ${ms(skopeo)}; node -e 0: ${ms(node)}`);
    console.log(`  pull − (skopeo + node -e 0):  ${(median(pull) - median(skopeo) - median(node)).toFixed(0)} ms of unik's own work (module loading, verifying, storing)\n`);
  } finally {
    await reg.stop();
  }
}

console.log(`unik push/pull against docker-registry (distribution 2.8) on 127.0.0.1, TLS + htpasswd; ${runs} runs each\n`);
for (const example of examples) await measure(example);
