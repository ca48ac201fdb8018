import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

/**
 * The reviewed patches the MirageOS toolchain installer applies to its build copies: Solo5 v0.12.1 (issues 11, 12),
 * and the boot-time cuts in cmdliner, ptime and the mirage CLI's generated main.ml (issue 12).
 */
const DIR = join(ROOT, 'toolchains', 'mirage', 'fixups');

/**
 * Each patch and the only files it may touch: the virtio clock, the spt tender's ELF loader, its link, the exit
 * line; Cmd.eval_value, Ptime.to_rfc3339, the delay device of the mirage CLI.
 */
const TOUCHES: Record<string, string[]> = {
  '0001-solo5-tsc-frequency-from-fw-cfg.patch': ['b/bindings/virtio/tscclock.c'],
  '0002-solo5-spt-maps-the-image.patch': ['b/tenders/common/elf.c', 'b/tenders/common/elf.h', 'b/tenders/hvt/hvt_main.c', 'b/tenders/spt/spt_main.c'],
  '0003-solo5-spt-static.patch': ['b/tenders/GNUmakefile'],
  '0004-solo5-exit-line-at-every-log-level.patch': ['b/bindings/exit.c'],
  '0005-solo5-exit-line-without-printf.patch': ['b/bindings/exit.c'],
  'cmdliner-eval-without-arguments.patch': ['b/src/cmdliner_eval.ml'],
  'mirage-cli-no-zero-delay.patch': ['b/mirage/lib/mirage.ml'],
  'ptime-rfc3339-without-printf.patch': ['b/src/ptime.ml'],
};

describe('toolchains/mirage/fixups: the reviewed patches', () => {
  it('are reviewed unified diffs (patch -p1) that say what they change and why, each touching only its files', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.patch')).sort();
    expect(files).toEqual(Object.keys(TOUCHES));
    for (const f of files) {
      const text = readFileSync(join(DIR, f), 'utf8');
      expect(text.slice(0, text.indexOf('diff --git'))).toMatch(/^unik: .+\n\n[\s\S]{200,}/);
      expect([...text.matchAll(/^\+\+\+ (\S+)/gm)].map((m) => m[1])).toEqual(TOUCHES[f]);
    }
    expect(readFileSync(join(DIR, '0001-solo5-tsc-frequency-from-fw-cfg.patch'), 'utf8')).toContain('opt/unik/tsc_khz');
  });

  it('hvt keeps copying the image: only the spt tender maps it', () => {
    const text = readFileSync(join(DIR, '0002-solo5-spt-maps-the-image.patch'), 'utf8');
    expect(text).toMatch(/^\+\s+spt_guest_mprotect, spt, &p_entry, &p_end, true\);$/m);
    expect(text).toMatch(/^\+\s+false\);$/m);
  });

  it('a quiet Solo5 still logs how it exited: both exit lines move from INFO to ERROR, the level --solo5:quiet keeps', () => {
    const text = readFileSync(join(DIR, '0004-solo5-exit-line-at-every-log-level.patch'), 'utf8');
    expect([...text.matchAll(/^-\s+log\((\w+), "Solo5: (solo5_\w+)/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['INFO solo5_exit', 'INFO solo5_abort']);
    expect([...text.matchAll(/^\+\s+log\((\w+), "Solo5: (solo5_\w+)/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['ERROR solo5_exit', 'ERROR solo5_abort']);
  });

  it('the exit line without printf is the text 0004 logs, and solo5_abort keeps its log', () => {
    const text = readFileSync(join(DIR, '0005-solo5-exit-line-without-printf.patch'), 'utf8');
    expect(text).toMatch(/^-\s+log\(ERROR, "Solo5: solo5_exit\(%d\) called\\n", status\);$/m);
    expect(text).toContain('static const char head[] = "Solo5: solo5_exit(", tail[] = ") called\\n";');
    expect(text).not.toMatch(/^[-+].*solo5_abort/m);
  });

  it('cmdliner takes its fast path only for an empty command line, and leaves every other outcome to the full evaluation', () => {
    const text = readFileSync(join(DIR, 'cmdliner-eval-without-arguments.patch'), 'utf8');
    expect(text).toMatch(/^\+  \| \[\], Ok \(\) when /m);
    expect(text).toMatch(/^\+  \| _ -> None$/m);
    expect(text).toMatch(/^\+          begin match run_parser ~catch ei cl f with Ok v -> Some v \| Error _ -> None end$/m);
    expect([...text.matchAll(/^-/gm)].length - [...text.matchAll(/^--- /gm)].length).toBe(0);
  });

  it('the mirage CLI still sleeps for any delay but 0', () => {
    const text = readFileSync(join(DIR, 'mirage-cli-no-zero-delay.patch'), 'utf8');
    expect(text).toContain('"if %s = 0 then Lwt.return_unit else Mirage_sleep.ns (Duration.of_sec %s)"');
  });
});
