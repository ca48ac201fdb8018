#!/usr/bin/env node
// unik-runtime's two ways of connecting a network guest, timed through podman: from `podman run -d` to the first
// HTTP 200 on the published port (127.0.0.1:H:80), medians of interleaved rounds (--rounds N, default 5):
//   user · rootlessport   QEMU's user network in the netns; podman's default slirp4netns port handler
//   user · slirp4netns    the same guest network; slirp4netns itself forwards the port (port_handler=slirp4netns)
//   tap · slirp4netns     the guest takes the container's address on a tap, tc mirred both ways on the netns's link
// for http-unikraft and http-osv (--images a,b; built through the product's cache), plus `node -e 0` as the floor.
// Podman gets a private store and containers.conf under a temp dir, removed at the end.
// Each GET is given --attempt-ms (default 300) before the next one starts.
// Run: npm run bench:runtime-net [-- --rounds N] [--images http-unikraft,http-osv] [--attempt-ms N] [--json]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, sh } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const rounds = Number(opt('--rounds', '5')) || 5;
const images = opt('--images', 'http-unikraft,http-osv').split(',');
const json = args.includes('--json');
// Each GET gives up after this long and the next starts: a SYN sent before the guest is up is not waited for.
const attemptMs = Number(opt('--attempt-ms', '300')) || 300;
const RUNTIME = join(root, 'dist', 'runtime', 'unik-runtime.cjs');
const UNIK = join(root, 'dist', 'cli', 'main.cjs');
const dir = mkdtempSync(join(tmpdir(), 'unik-bench-runtime-net-'));
const say = (s) => process.stderr.write(`${s}\n`);
const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
const conf = join(dir, 'containers.conf');
writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n');
const podmanArgs = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
const env = { ...process.env, CONTAINERS_CONF: conf };
const podman = (argv, opts) => sh('podman', [...podmanArgs, ...argv], { env, ...opts });

/** ms from `podman run -d` to the first 200 through the published port (120 s at most). */
async function firstOk(image, mode, handler) {
  const port = await freePort();
  const name = `net-${process.hrtime.bigint()}`;
  const t0 = process.hrtime.bigint();
  const run = spawn('podman', [...podmanArgs, 'run', '-d', '--name', name, '--runtime', RUNTIME, '--annotation', `dev.unik.network=${mode}`,
    '--network', handler === 'rootlessport' ? 'slirp4netns' : `slirp4netns:port_handler=${handler}`, '-p', `127.0.0.1:${port}:80`, `localhost/${image}:latest`], { env, stdio: 'ignore' });
  const started = new Promise((r) => run.once('exit', r));
  let ms = null;
  while (Number(process.hrtime.bigint() - t0) / 1e6 < 120_000) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(attemptMs) }).then((r) => r.status === 200, () => false);
    if (ok) {
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await started;
  podman(['rm', '-f', name], { allowFail: true });
  if (ms === null) throw new Error(`${image} (${mode}, ${handler}): no 200 within 120 s`);
  return ms;
}

try {
  for (const image of images) {
    say(`building ${image} (a cache hit after the first time) and loading it into podman…`);
    sh(process.execPath, [UNIK, 'build', join(root, 'examples', image)]);
    const tar = join(dir, `${image}.tar`);
    sh(process.execPath, [UNIK, 'export', image, '-o', tar]);
    podman(['load', '-i', tar]);
  }
  const modes = [['user', 'rootlessport'], ['user', 'slirp4netns'], ['tap', 'slirp4netns']];
  const rows = Object.fromEntries([...images.flatMap((i) => modes.map(([m, h]) => [`${i} · ${m} · ${h}`, []])), ['node -e 0', []]]);
  for (let r = 0; r < rounds; r++) {
    say(`round ${r + 1}/${rounds}`);
    for (const image of images) for (const [m, h] of modes) rows[`${image} · ${m} · ${h}`].push(await firstOk(image, m, h));
    const t0 = process.hrtime.bigint();
    sh(process.execPath, ['-e', '0']);
    rows['node -e 0'].push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const med = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Math.round(median(v))]));
  const ratios = Object.fromEntries(images.flatMap((i) => [
    [`${i}: tap / user (both slirp4netns handler)`, Math.round((med[`${i} · tap · slirp4netns`] / med[`${i} · user · slirp4netns`]) * 100) / 100],
    [`${i}: tap (slirp4netns) / user (rootlessport)`, Math.round((med[`${i} · tap · slirp4netns`] / med[`${i} · user · rootlessport`]) * 100) / 100],
  ]));
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  if (json) process.stdout.write(`${JSON.stringify({ rounds, attemptMs, medianMs: med, samples: rows, ratios, loadavg: load }, null, 2)}\n`);
  else {
    process.stdout.write(`podman run -d to the first HTTP 200 (GETs of ${attemptMs} ms at most): medians of ${rounds} interleaved rounds (load average ${load.join(' ')})\n`);
    for (const [k, v] of Object.entries(med)) process.stdout.write(`  ${k.padEnd(44)} ${String(v).padStart(7)} ms\n`);
    for (const [k, v] of Object.entries(ratios)) process.stdout.write(`  ${k.padEnd(44)} ${String(v).padStart(7)} ×\n`);
  }
} finally {
  spawnSync('podman', [...podmanArgs, 'rm', '-fa'], { env, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
