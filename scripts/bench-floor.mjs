#!/usr/bin/env node
// Boot time against the VMM floor, and memory (issue 12). Never part of the tests:
//   npm run bench:floor [-- --runs 10]
// For each example that can be built here, `unik bench --json` boots the unikernel and the VMM floor (QEMU with the
// same machine type, accelerator and memory, booting unik's probe guest, which exits at once) interleaved, round
// by round, and reports medians; the MirageOS spt row also runs the container twin under crun. Uses UNIK_HOME.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goal, median, wall } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

const cases = [
  { app: 'hello-unikraft', args: [], runtimes: 'unikernel', goal: { measure: 'hello-unikraft exit / VMM floor (microvm, TCG)', max: 1.3 } },
  { app: 'hello-mirage', args: ['--platform', 'virtio'], runtimes: 'unikernel', goal: { measure: 'hello-mirage virtio exit / VMM floor', max: 1.5 } },
  { app: 'hello-osv', args: [], runtimes: 'unikernel', goal: { measure: 'hello-osv exit / VMM floor (-M pc)', max: 2 } },
  { app: 'hello-mirage', args: ['--platform', 'spt'], runtimes: 'unikernel,crun', goal: { measure: 'hello-mirage spt exit / crun exit', max: 0.2, vs: 'crun' } },
];

console.log(`unik bench, ${runs} interleaved runs each after 2 warm-ups; medians in ms; UNIK_HOME=${process.env.UNIK_HOME ?? '(default)'}\n`);
for (const c of cases) {
  const res = spawnSync(process.execPath, [cli, 'bench', join(root, 'examples', c.app), ...c.args, '--runtimes', c.runtimes, '--runs', String(runs), '--warmup', '2', '--json'], { encoding: 'utf8' });
  const label = `${c.app}${c.args.length ? ` ${c.args.join(' ')}` : ''}`;
  if (res.status !== 0) {
    console.log(`${label}: not measured: ${res.stderr.trim().split('\n')[0]}\n`);
    continue;
  }
  const j = JSON.parse(res.stdout);
  const byName = Object.fromEntries(j.results.map((r) => [r.runtime, r]));
  const u = byName.unikernel;
  const f = byName['vmm-floor'];
  console.log(`${label} (${j.vmm.accel === 'none' ? `solo5-${j.vmm.machine} tender` : `QEMU -M ${j.vmm.machine} -accel ${j.vmm.accel} -m ${j.vmm.memoryMiB}M`})`);
  for (const r of j.results) {
    console.log(`  ${r.runtime.padEnd(10)} first output ${r.firstOutputMs.median.toFixed(1).padStart(7)}  exit ${r.exitMs.median.toFixed(1).padStart(7)}` +
      `${r.vsFloor ? `  = ${r.vsFloor.exit.toFixed(2)}× the floor` : ''}  peak memory ${r.peakMemoryKiB ? mib(r.peakMemoryKiB.median) : '-'}`);
  }
  const ratio = c.goal.vs ? u.exitMs.median / byName[c.goal.vs].exitMs.median : u.exitMs.median / f.exitMs.median;
  goal(c.goal.measure, `${ratio.toFixed(2)}×`, `≤ ${c.goal.max}×`, ratio <= c.goal.max);
  console.log('');
}

// How exact the two host measurements behind these figures are.
const probes = join(process.env.UNIK_HOME ?? join(process.env.XDG_DATA_HOME ?? join(process.env.HOME, '.local', 'share'), 'unik'), 'probes');
const meter = spawnSync('sh', ['-c', `ls ${probes}/tsc-khz-* 2>/dev/null | head -1`], { encoding: 'utf8' }).stdout.trim();
if (meter) {
  const khz = Array.from({ length: 5 }, () => Number(spawnSync(meter, { encoding: 'utf8' }).stdout));
  const spread = (Math.max(...khz) - Math.min(...khz)) / median(khz);
  console.log(`host TSC (machine/host/tsc-khz.c, 5 measurements of 200 ms): median ${median(khz)} kHz, spread ${(spread * 1e6).toFixed(1)} ppm`);
}
const reap = spawnSync('sh', ['-c', `ls ${probes}/reap-* 2>/dev/null | head -1`], { encoding: 'utf8' }).stdout.trim();
if (reap) {
  // A process whose peak is known: dd's 32 MiB buffer, touched in full. wait4 reports the kernel's own high-water mark.
  const { r } = wall(reap, ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=32M', 'count=1'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  console.log(`reaper peak RSS of dd bs=32M: ${mib(Number(r.output[3]))} (32 MiB buffer + dd itself)`);
}
