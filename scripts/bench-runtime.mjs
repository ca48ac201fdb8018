#!/usr/bin/env node
// unik-runtime against crun, through the engines and per call. Medians of interleaved rounds (--rounds N, default 5):
//   podman run --rm  hello-unikraft under unik-runtime  vs  its container twin (the same main.c, static) under crun
//   ctr run --rm     the same two, through containerd's runc v2 shim (--runc-binary)
//   per call         create, start, state, delete: unik-runtime on the unik bundle vs crun on the twin's bundle,
//                    and `node -e 0` (the floor of any call of a node program)
// crun runs inside unik's without-cgroup2 launcher (bench/containers/without-cgroup2.c): this host's hybrid cgroups
// make crun refuse otherwise. Every engine gets private state (podman store, containerd root) under a temp dir,
// removed at the end. Run: npm run bench:runtime [-- --rounds N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, sh } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 5;
const json = args.includes('--json');
const RUNTIME = join(root, 'dist', 'runtime', 'unik-runtime.cjs');
const UNIK = join(root, 'dist', 'cli', 'main.cjs');
const dir = mkdtempSync(join(tmpdir(), 'unik-bench-runtime-'));
const say = (s) => process.stderr.write(`${s}\n`);
/** Wall time of one command in ms (fresh process, as engines call runtimes). */
const timed = (file, argv, opts = {}) => {
  const t0 = process.hrtime.bigint();
  const r = sh(file, argv, opts);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
};

let containerd = null;
try {
  // The images: hello-unikraft (built through the product's cache) as an OCI archive, and its twin.
  say('building hello-unikraft (a cache hit after the first time) and its twin…');
  sh(process.execPath, [UNIK, 'build', join(root, 'examples', 'hello-unikraft')]);
  const unikTar = join(dir, 'hello-unikraft.tar');
  sh(process.execPath, [UNIK, 'export', 'hello-unikraft', '-o', unikTar]);
  const twinRootfs = join(dir, 'twin', 'rootfs');
  mkdirSync(twinRootfs, { recursive: true });
  sh('gcc', ['-static', '-O2', '-o', join(twinRootfs, 'app'), join(root, 'examples', 'hello-unikraft', 'main.c')]);
  const twinTar = join(dir, 'twin.tar');
  sh('tar', ['-C', twinRootfs, '-cf', twinTar, 'app']);
  const launcher = join(dir, 'without-cgroup2');
  sh('gcc', ['-O2', '-o', launcher, join(root, 'bench', 'containers', 'without-cgroup2.c')]);
  const crun = join(dir, 'crun');
  writeFileSync(crun, `#!/bin/sh\nexec ${launcher} crun "$@"\n`);
  chmodSync(crun, 0o755);

  // Bundles for the per-call costs.
  const unikBundle = join(dir, 'unik-bundle');
  const layout = join(dir, 'layout');
  mkdirSync(layout);
  sh('tar', ['-C', layout, '-xf', unikTar]);
  const refName = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0].annotations['org.opencontainers.image.ref.name'];
  sh('umoci', ['unpack', '--image', `${layout}:${refName}`, unikBundle]);
  const noTerminal = (bundle, argv) => {
    const p = join(bundle, 'config.json');
    const spec = JSON.parse(readFileSync(p, 'utf8'));
    spec.process.terminal = false;
    if (argv) spec.process.args = argv;
    writeFileSync(p, JSON.stringify(spec));
  };
  noTerminal(unikBundle);
  const twinBundle = join(dir, 'twin');
  sh('runc', ['spec', '--bundle', twinBundle]);
  noTerminal(twinBundle, ['/app', 'world']);

  // podman, private.
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n');
  const podmanArgs = ['--root', join(dir, 'podman', 'storage'), '--runroot', join(dir, 'podman', 'run'), '--storage-driver', 'vfs'];
  const podman = (argv, opts) => sh('podman', [...podmanArgs, ...argv], { env: { ...process.env, CONTAINERS_CONF: conf }, ...opts });
  podman(['load', '-i', unikTar]);
  podman(['import', '--change', 'CMD ["/app", "world"]', twinTar, 'localhost/twin:1']);
  podman(['save', '--format', 'oci-archive', '-o', join(dir, 'twin-oci.tar'), 'localhost/twin:1']);

  // containerd, private.
  const sock = join(dir, 'containerd.sock');
  writeFileSync(join(dir, 'containerd.toml'), `version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${sock}"\n`);
  const { spawn } = await import('node:child_process');
  containerd = spawn('containerd', ['--config', join(dir, 'containerd.toml'), '--root', join(dir, 'ctd-root'), '--state', join(dir, 'ctd-state'), '--address', sock], { stdio: 'ignore' });
  const ctr = (argv, opts) => sh('ctr', ['--address', sock, ...argv], opts);
  for (let i = 0; i < 200 && ctr(['version'], { allowFail: true }).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  ctr(['images', 'import', '--base-name', 'localhost/hello-unikraft', unikTar]);
  ctr(['images', 'import', '--base-name', 'localhost/twin', join(dir, 'twin-oci.tar')]);
  const ctrUnik = ctr(['images', 'ls', '-q']).stdout.split('\n').find((l) => l.startsWith('localhost/hello-unikraft'));
  const ctrTwin = ctr(['images', 'ls', '-q']).stdout.split('\n').find((l) => l.startsWith('localhost/twin'));

  const rows = {
    'podman run --rm · unik-runtime (hello-unikraft)': [],
    'podman run --rm · crun (twin)': [],
    'ctr run --rm · unik-runtime (hello-unikraft)': [],
    'ctr run --rm · crun (twin)': [],
    'node -e 0': [],
  };
  for (const call of ['create', 'start', 'state', 'delete']) {
    rows[`${call} · unik-runtime`] = [];
    rows[`${call} · crun`] = [];
  }
  const perCall = (name, file, bundle, id) => {
    const base = ['--root', join(dir, `root-${name}`)];
    // No pipes: the container's process keeps its stdio open until it exits, and spawnSync waits for their end.
    rows[`create · ${name}`].push(timed(file, [...base, 'create', '--bundle', bundle, id], { stdio: 'ignore' }).ms);
    rows[`state · ${name}`].push(timed(file, [...base, 'state', id]).ms);
    rows[`start · ${name}`].push(timed(file, [...base, 'start', id]).ms);
    // delete once the guest (or the twin) has exited: polled, so delete measures its own work only.
    for (let i = 0; i < 600 && !sh(file, [...base, 'state', id]).stdout.includes('"stopped"'); i++) execFileSync('sleep', ['0.05']);
    rows[`delete · ${name}`].push(timed(file, [...base, 'delete', id]).ms);
  };
  for (let i = 0; i < rounds; i++) {
    say(`round ${i + 1}/${rounds}`);
    rows['podman run --rm · unik-runtime (hello-unikraft)'].push(timed('podman', [...podmanArgs, 'run', '--rm', '--network', 'none', '--runtime', RUNTIME, 'localhost/hello-unikraft:latest'], { env: { ...process.env, CONTAINERS_CONF: conf } }).ms);
    rows['podman run --rm · crun (twin)'].push(timed('podman', [...podmanArgs, 'run', '--rm', '--network', 'none', '--runtime', crun, 'localhost/twin:1'], { env: { ...process.env, CONTAINERS_CONF: conf } }).ms);
    rows['ctr run --rm · unik-runtime (hello-unikraft)'].push(timed('ctr', ['--address', sock, 'run', '--rm', '--runc-binary', RUNTIME, ctrUnik, `u${i}`]).ms);
    rows['ctr run --rm · crun (twin)'].push(timed('ctr', ['--address', sock, 'run', '--rm', '--runc-binary', crun, ctrTwin, `t${i}`]).ms);
    perCall('unik-runtime', RUNTIME, unikBundle, `bu${i}`);
    perCall('crun', crun, twinBundle, `bt${i}`);
    rows['node -e 0'].push(timed(process.execPath, ['-e', '0']).ms);
  }
  const med = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  const ratio = (a, b) => Math.round((med[a] / med[b]) * 100) / 100;
  const ratios = {
    'podman run: unik-runtime / crun': ratio('podman run --rm · unik-runtime (hello-unikraft)', 'podman run --rm · crun (twin)'),
    'ctr run: unik-runtime / crun': ratio('ctr run --rm · unik-runtime (hello-unikraft)', 'ctr run --rm · crun (twin)'),
    ...Object.fromEntries(['create', 'start', 'state', 'delete'].map((c) => [`${c}: unik-runtime / crun`, ratio(`${c} · unik-runtime`, `${c} · crun`)])),
    'state: unik-runtime / node -e 0': ratio('state · unik-runtime', 'node -e 0'),
  };
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  if (json) process.stdout.write(`${JSON.stringify({ rounds, medianMs: med, ratios, loadavg: load }, null, 2)}\n`);
  else {
    process.stdout.write(`unik-runtime vs crun: medians of ${rounds} interleaved rounds (load average ${load.join(' ')})\n`);
    for (const [k, v] of Object.entries(med)) process.stdout.write(`  ${k.padEnd(52)} ${String(v).padStart(8)} ms\n`);
    for (const [k, v] of Object.entries(ratios)) process.stdout.write(`  ${k.padEnd(52)} ${String(v).padStart(8)} ×\n`);
  }
} finally {
  containerd?.kill('SIGTERM');
  if (containerd) await new Promise((r) => containerd.once('exit', r));
  spawnSync('podman', ['--root', join(dir, 'podman', 'storage'), '--runroot', join(dir, 'podman', 'run'), '--storage-driver', 'vfs', 'rm', '-fa'], { stdio: 'ignore' });
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
