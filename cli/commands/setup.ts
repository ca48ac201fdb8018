import { spawnSync } from 'node:child_process';
import { failure } from '../../lib/errors.js';
import { setupScript } from '../../lib/setup-script.js';
import { printJson, type OutputOptions } from '../output.js';

/**
 * `unik setup`: run scripts/setup.sh from wherever unik is installed, so an npm-installed user needs no checkout.
 * With --json its progress goes to stderr and stdout gets one object.
 */
export async function setupCommand(flags: OutputOptions & { mirrors?: string }): Promise<void> {
  const script = setupScript();
  const env = flags.mirrors ? { ...process.env, UNIK_SOURCES_FROM: flags.mirrors } : process.env;
  const r = spawnSync('bash', [script], { stdio: ['inherit', flags.json ? 2 : 'inherit', 'inherit'], env });
  if (r.error) throw failure(`${script}: could not start bash (${r.error.message})`);
  if (flags.json) printJson({ script, exitCode: r.status });
  if (r.status !== 0) throw failure(`${script} exited ${r.status ?? r.signal}; its output above names what failed`);
}
