import { layout } from '../../lib/home.js';
import { registryChecks } from '../../oci/checks.js';
import { hostChecks } from '../../targets/doctor.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export async function doctorCommand(flags: OutputOptions): Promise<void> {
  const l = layout();
  const checks = [...(await hostChecks(l)), ...registryChecks()];
  const failed = checks.some((c) => c.status === 'fail');
  if (flags.json) {
    printJson({ home: l.home, ok: !failed, checks });
  } else {
    writeOut(`unik home: ${l.home}\n`);
    for (const c of checks) {
      writeOut(`${MARK[c.status]}  ${c.name.padEnd(20)} ${c.detail}\n`);
      if (c.fix) writeOut(`      ${''.padEnd(20)} fix: ${c.fix}\n`);
    }
  }
  // A failed check is a broken environment, not bad input.
  if (failed) process.exitCode = 1;
}
