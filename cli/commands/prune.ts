import { usageError } from '../../lib/errors.js';
import { humanBytes } from '../../lib/format.js';
import { layout } from '../../lib/home.js';
import { prune, prunePlan, type PruneItem } from '../../run/prune.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';

const total = (items: PruneItem[]) => items.reduce((s, i) => s + i.bytes, 0);

/** Ask on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * unik prune: stopped instances, replaced and unusable images, build directories no stored image uses, and
 * scratch files of writers that died. It says first what that frees; on a terminal it asks, unless -f. Without a
 * terminal (or with --json) it removes nothing without -f: it lists the plan and exits 2, as a script must say -f.
 */
export async function pruneCommand(flags: OutputOptions & { force?: boolean }): Promise<void> {
  const l = layout();
  const plan = await prunePlan(l);
  const size = humanBytes(total(plan));
  const ask = !flags.force && !flags.json && process.stdin.isTTY && process.stderr.isTTY;
  if (!flags.json) {
    if (!plan.length) {
      writeOut('nothing to prune\n');
      return;
    }
    writeOut(plan.map((i) => `${humanBytes(i.bytes).padStart(9)}  ${i.what}\n`).join(''));
    writeOut(`${plan.length} item${plan.length === 1 ? '' : 's'}, ${size} in all\n`);
  }
  if (!flags.force && !(ask && (await confirm(`remove them and free ${size}? [y/N] `)))) {
    if (flags.json) printJson({ removed: false, freeBytes: total(plan), items: plan });
    if (ask) return void writeOut('nothing removed\n');
    if (plan.length) throw usageError(`prune: nothing removed without a terminal to ask on; "unik prune -f" removes the above (${size})`);
    return;
  }
  const freed = await prune(plan);
  if (flags.json) return printJson({ removed: true, freedBytes: freed, items: plan });
  writeOut(`removed ${plan.length} item${plan.length === 1 ? '' : 's'}, freed ${humanBytes(freed)}\n`);
}
