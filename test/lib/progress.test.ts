import { describe, expect, it } from 'vitest';
import { clock, fit, isDiagnostic, statusLine, stepDoneLine } from '../../lib/progress.js';
import { lineProgress, terminalProgress } from '../../lib/progress-display.js';

const step = { n: 2, total: 5, title: 'compile and link (make)' };

describe('progress lines', () => {
  it('a status line: step n/total, elapsed time, title, and the tool line up to the terminal width', () => {
    const tool = 'CC      libukalloc: /root/.local/share/unik/builds/app/build/libukalloc/alloc.o';
    expect(statusLine(step, 41_500, tool, 200)).toBe(`▸ [2/5 0:41] compile and link (make) · ${tool}`);
    const narrow = statusLine(step, 61_000, tool, 60);
    expect([...narrow]).toHaveLength(59);
    expect(narrow).toMatch(/^▸ \[2\/5 1:01\] compile and link \(make\) · CC {6}libukalloc:…$/);
    expect(statusLine({ ...step, total: null }, 0, null, 80)).toBe('▸ [2 0:00] compile and link (make)');
    expect(fit('x'.repeat(30), 20)).toBe(`${'x'.repeat(18)}…`);
    expect(clock(3_725_000)).toBe('62:05');
  });

  it('compiler diagnostics are not progress; make and dune lines are', () => {
    const diagnostics = ["main.c:3:7: warning: unused variable 'x' [-Wunused-variable]", '    3 |   int x;', '      |       ^', "main.c: In function 'main':", 'In file included from a.h:1,', 'cc1: note: something', '1 warning generated.'];
    for (const d of diagnostics) expect(isDiagnostic(d), d).toBe(true);
    const progress = ['CC      libukalloc: alloc.o', 'LD      hello_qemu-x86_64.dbg', 'ocamlopt src/unikernel.cmx', 'make[1]: Entering directory'];
    for (const p of progress) expect(isDiagnostic(p), p).toBe(false);
  });

  it('not a TTY: one line per finished step with its duration, free-text status left out', () => {
    const written: string[] = [];
    const sink = lineProgress({ write: (t: string) => written.push(t) });
    sink('checking podman');
    sink.steps!.start(step);
    sink.steps!.output('CC x.o');
    sink.steps!.end(step, 41_234, true);
    sink.steps!.end({ ...step, n: 3, total: null, title: 'strip' }, 200, false);
    expect(written).toEqual(['unik: step 2/5 compile and link (make): 41.2 s\n', 'unik: step 3 strip: failed after 0.2 s\n']);
    expect(stepDoneLine(step, 1000, true)).toBe('unik: step 2/5 compile and link (make): 1.0 s');
  });

  it('a TTY: the line rewrites itself with the latest tool line', () => {
    const written: string[] = [];
    const sink = terminalProgress({ write: (t: string) => written.push(t), columns: 120 });
    sink.steps!.start(step);
    sink.steps!.output('CC      libukalloc: alloc.o');
    sink.steps!.end(step, 10, true);
    sink.stop();
    expect(written[0]).toBe('\r\x1b[2K▸ [2/5 0:00] compile and link (make)');
    expect(written.at(-1)).toMatch(/^\r\x1b\[2K▸ \[2\/5 0:00\] compile and link \(make\) · CC {6}libukalloc: alloc\.o$/);
  });
});
