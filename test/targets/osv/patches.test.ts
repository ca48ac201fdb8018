import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bootsWithoutAcpi, HPET_WITHOUT_ACPI, osvPatches, reportsStatusQuietly, STATUS_WITHOUT_VERBOSE } from '../../../targets/osv/patches.js';
import { patchedTreeDir } from '../../../targets/source-patches.js';
import { productSource } from '../../helpers/toolchain.js';
import { tmpTree } from '../../helpers/tmp.js';

/** Each reviewed patch and the only files it may touch. */
const TOUCHES: Record<string, string[]> = {
  [HPET_WITHOUT_ACPI]: ['b/drivers/hpet.cc'],
  '0002-power-off-when-the-last-app-returns.patch': ['b/core/shutdown.cc', 'b/loader.cc'],
  [STATUS_WITHOUT_VERBOSE]: ['b/core/app.cc', 'b/runtime.cc'],
  '0004-split-a-plain-command-line-without-the-grammar.patch': ['b/core/commands.cc'],
  '0005-proc-maps-lists-files-without-a-path.patch': ['b/core/mmu.cc'],
  '0006-a-crash-while-reporting-a-crash-ends-the-vm.patch': ['b/runtime.cc'],
};

describe('osvPatches', () => {
  it('lists the reviewed patch files in order, each with its hash and a description, touching only its own files', () => {
    const patches = osvPatches();
    expect(patches.map((p) => p.file)).toEqual(Object.keys(TOUCHES));
    for (const p of patches) {
      expect(p.source).toBe('osv');
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      const text = readFileSync(p.path, 'utf8');
      expect(text.slice(0, text.indexOf('diff --git'))).toMatch(/^unik: .+\n\n[\s\S]{200,}/);
      expect([...text.matchAll(/^\+\+\+ (\S+)/gm)].map((m) => m[1])).toEqual(TOUCHES[p.file]);
    }
  });

  it('applies exactly (no fuzz) to the pinned OSv in the sources cache, when it is there', async (ctx) => {
    const osv = productSource('osv', 'the OSv patch check');
    const files = Object.values(TOUCHES).flat().map((f) => f.slice('b/'.length));
    if (!osv || !files.every((f) => existsSync(join(osv, f)))) return ctx.skip();
    const copy = tmpTree(Object.fromEntries(files.map((f) => [f, readFileSync(join(osv, f), 'utf8')])));
    for (const p of osvPatches()) await execa('patch', ['--batch', '--forward', '--fuzz=0', '-p1', '-d', copy, '-i', p.path]);
    expect(readFileSync(join(copy, 'drivers', 'hpet.cc'), 'utf8')).toContain('HPET_DEFAULT_BASE 0xfed00000');
    expect(readFileSync(join(copy, 'loader.cc'), 'utf8')).toContain('power_off_after_last_app');
    expect(readFileSync(join(copy, 'core', 'shutdown.cc'), 'utf8')).toContain('sched::thread::yield();');
    expect(readFileSync(join(copy, 'core', 'app.cc'), 'utf8')).toContain('debug_always("program %s returned %d\\n"');
    expect(readFileSync(join(copy, 'runtime.cc'), 'utf8')).toContain('processor::outb(1, 0xf4);');
    expect(readFileSync(join(copy, 'core', 'commands.cc'), 'utf8')).toContain('if (split_simple_command_line(line, result)) {');
    expect(readFileSync(join(copy, 'core', 'mmu.cc'), 'utf8')).toContain('dentry ? dentry->d_path : ""');
    expect(readFileSync(join(copy, 'runtime.cc'), 'utf8').match(/processor::outb\(1, 0xf4\);/g)).toHaveLength(2);
  });

  it('a kernel boots without ACPI only when the HPET patch is in it', () => {
    expect(bootsWithoutAcpi([{ file: HPET_WITHOUT_ACPI }])).toBe(true);
    expect(bootsWithoutAcpi([])).toBe(false);
  });

  it('a kernel boots without --verbose only when the status patch is in it', () => {
    expect(reportsStatusQuietly([{ file: HPET_WITHOUT_ACPI }, { file: STATUS_WITHOUT_VERBOSE }])).toBe(true);
    expect(reportsStatusQuietly([{ file: HPET_WITHOUT_ACPI }])).toBe(false);
  });

  it('keeps one copy of the tree per commit and patch set, apart from the Unikraft copies', () => {
    const [p] = osvPatches();
    expect(patchedTreeDir('/b', 'osv-src', '0e34e4dc2b278b7f64e4169abbf297b7de46fb6b', [p!])).toMatch(/^\/b\/osv-src\/0e34e4dc2b27-[0-9a-f]{12}$/);
  });
});
