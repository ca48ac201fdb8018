#!/usr/bin/env node
// Density (issue 22): N instances of each HTTP example started at once, cold and restored from a snapshot, and N of
// its container twin under crun (each in a network namespace of its own, published by slirp4netns).
//   npm run bench:density [-- --counts 1,10,50] [--apps http-unikraft,http-mirage]
// Runs `unik bench examples/<app> --density COUNTS --snapshot --json` for http-unikraft, http-osv and http-mirage
// (virtio) where they build here, and prints, per count: time until all answer 200, starts/s and PSS per instance,
// with restored against cold, and each unikernel row against crun's, as ratios from the same run. Uses UNIK_HOME;
// the host's load average is printed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const at = process.argv.indexOf('--counts');
const counts = at > 0 ? process.argv[at + 1] : '1,10,50';
const mib = (kib) => (kib / 1024).toFixed(1);

const only = process.argv.includes('--apps') ? process.argv[process.argv.indexOf('--apps') + 1].split(',') : null;
for (const app of ['http-unikraft', 'http-osv', 'http-mirage'].filter((a) => !only || only.includes(a))) {
  const r = spawnSync(process.execPath, [cli, 'bench', join(root, 'examples', app), '--density', counts, '--snapshot', '--chart', `density-${app}.svg`, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`${app}: not measured: ${r.stderr.trim().split('\n').slice(-1)[0]}\n`);
    continue;
  }
  const j = JSON.parse(r.stdout);
  console.log(`${app} (guest ${j.rows[0].guestMiB} MiB; load average ${j.load.before.toFixed(2)} → ${j.load.after.toFixed(2)}; chart density-${app}.svg)`);
  console.log('  N    start     all 200 ms  starts/s  PSS each MiB  PSS total MiB  restored/cold: time  PSS each   vs crun: time  PSS each');
  for (const row of j.rows) {
    if (row.error) {
      console.log(`  ${String(row.n).padEnd(4)} ${row.mode.padEnd(9)} not measured: ${row.error}`);
      continue;
    }
    const other = (mode) => j.rows.find((x) => x.n === row.n && x.mode === mode && !x.error);
    const ratios = (base, width) => `${(row.allReadyMs / base.allReadyMs).toFixed(2)}×`.padStart(width) + `${(row.pssKiB.perInstance / base.pssKiB.perInstance).toFixed(2)}×`.padStart(10);
    const cold = other('cold');
    const crun = other('crun');
    const vsCold = row.mode === 'restored' && cold ? ratios(cold, 20) : ' '.repeat(30);
    const vsCrun = row.mode !== 'crun' && crun ? ratios(crun, 16) : '';
    // crun's PSS counts its network too (slirp4netns and the namespace's holder): that part is shown apart.
    const network = row.pssKiB.network === undefined ? '' : `  (network ${mib(row.pssKiB.network)} MiB of it)`;
    console.log(`  ${String(row.n).padEnd(4)} ${row.mode.padEnd(9)} ${row.allReadyMs.toFixed(0).padStart(10)}  ${row.startsPerSecond.toFixed(2).padStart(8)}  ${mib(row.pssKiB.perInstance).padStart(12)}  ${mib(row.pssKiB.total).padStart(13)}${vsCold}${vsCrun}${network}`);
  }
  console.log('');
}
