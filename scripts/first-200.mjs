// Shared by the benchmark scripts: spawn → first HTTP 200 of a stored image, measured by `unik run --ready-http`.
import { spawnSync } from 'node:child_process';

/** One boot of `image` with guest port `guest` published on `port`; unik's readyMs (null when the run failed). */
export function firstHttp200(cli, image, guest, port) {
  const args = ['run', image, '--accel', 'tcg', '-p', `${port}:${guest}`, '--ready-http', `http://127.0.0.1:${port}/`, '--stop-when-ready', '--timeout', '60s', '--json'];
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 90_000 });
  return r.status === 0 ? JSON.parse(r.stdout).readyMs : null;
}
