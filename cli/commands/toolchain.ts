import { usageError } from '../../lib/errors.js';
import { layout } from '../../lib/home.js';
import { installMirage, removeMirage } from '../../toolchains/mirage/install/install.js';
import { mirageStatus } from '../../toolchains/mirage/install/record.js';
import { endProgress, printJson, progressSink, type OutputOptions, writeOut } from '../output.js';

/** The toolchains unik installs itself (the others it only finds). */
function toolchain(name: string): 'mirage' {
  if (name !== 'mirage') throw usageError(`toolchain: expected mirage, found ${JSON.stringify(name)}`);
  return name;
}

export async function toolchainInstallCommand(name: string, flags: OutputOptions): Promise<void> {
  toolchain(name);
  let result;
  try {
    result = await installMirage(layout(), {
      progress: progressSink(flags),
      onWait: (pid) => process.stderr.write(`waiting for another unik (pid ${pid}) installing the mirage toolchain…\n`),
    });
  } finally {
    endProgress(flags);
  }
  if (flags.json) return printJson(result);
  if (!result.changed) {
    writeOut(`mirage toolchain ${result.id} is up to date (${result.seconds} s); record: ${result.record}\n`);
    return;
  }
  writeOut(
    `installed mirage toolchain ${result.id} in ${result.seconds} s: ` +
      result.steps.map((s) => `${s.name} ${s.state === 'built' ? `built (${s.seconds} s)` : 'already done'}`).join(', ') +
      `\nrecord: ${result.record}\nlog:    ${result.logPath}\n`,
  );
}

export async function toolchainListCommand(flags: OutputOptions): Promise<void> {
  const status = mirageStatus(layout());
  if (flags.json) return printJson([status]);
  writeOut(`${status.name}: ${status.state}${status.summary ? ` · ${status.summary}` : ''}\n`);
}

export async function toolchainRemoveCommand(name: string, flags: OutputOptions): Promise<void> {
  toolchain(name);
  const res = await removeMirage(layout());
  if (flags.json) return printJson({ toolchain: name, ...res });
  writeOut(res.removed ? `removed the mirage toolchain unik installed\n` : `the mirage toolchain was not installed by unik: nothing removed\n`);
  if (res.left.length) writeOut(`left in place (not made by unik): ${res.left.join(', ')}\n`);
}
