import { execa } from 'execa';
import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, unik } from '../helpers/cli.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const unikraft = productSource('unikraft', 'build progress integration test');

/** Runs argv on a pseudo-terminal `columns` wide (python3's pty module) and returns everything it wrote there. */
const PTY = `
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 40, int(sys.argv[1]), 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
`;

describe.skipIf(!unikraft)('build progress on a terminal and in a pipe (integration)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const app = join(tmpTree(), 'progress');

  it('a TTY shows step n/total, the elapsed time and the tool\'s line at the terminal\'s width; no compiler warning', async () => {
    expect((await unik(['sources', 'add', 'unikraft', unikraft!], env)).exitCode).toBe(0);
    cpSync(join(ROOT, 'examples', 'hello-unikraft'), app, { recursive: true });
    // A warning the compiler prints while make goes on: it belongs in the log, not on the status line.
    writeFileSync(join(app, 'warn.c'), 'int unik_warns(void)\n{\n\tint unused;\n\treturn 0;\n}\n');
    writeFileSync(join(app, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8').replace('  - main.c\n', '  - main.c\n  - warn.c\n').replace('name: hello-unikraft', 'name: progress'));
    const columns = 160;
    const res = await execa('python3', ['-c', PTY, String(columns), process.execPath, CLI, 'build', app], { env: { ...process.env, ...env }, reject: false, stdin: 'ignore' });
    expect(res.exitCode, res.stdout).toBe(0);
    const shown = res.stdout.split('\r').map((s) => s.replace(/^\x1b\[2K/, '')).filter((s) => s.startsWith('▸ ['));
    const steps = shown.map((s) => /^▸ \[(\d+)\/(\d+) (\d+):(\d\d)\] /.exec(s));
    expect(steps.every(Boolean), shown.join('\n')).toBe(true);
    const totals = new Set(steps.map((m) => m![2]));
    expect([...totals]).toHaveLength(1);
    expect(Math.max(...steps.map((m) => Number(m![1])))).toBe(Number(steps[0]![2]));
    // The tool's own lines, as long as the terminal allows: some longer than the ~20 characters of old.
    const toolLines = shown.filter((s) => s.includes(' · ')).map((s) => s.slice(s.indexOf(' · ') + 3));
    expect(Math.max(...toolLines.map((l) => l.length))).toBeGreaterThan(40);
    expect(Math.max(...shown.map((s) => [...s.replace(/\r?\n[\s\S]*$/, '')].length))).toBeLessThan(columns);
    expect(shown.filter((s) => /warning|unused/.test(s))).toEqual([]);
    const logs = join(home, 'logs');
    expect(readdirSync(logs).some((f) => /warning: unused variable/.test(readFileSync(join(logs, f), 'utf8')))).toBe(true);
  }, BUILD_TIMEOUT);

  it('not a TTY: one line per step with its duration', async () => {
    appendFileSync(join(app, 'warn.c'), '/* changed: make recompiles this file only */\n');
    const res = await unik(['build', app], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^unik: step 1\/1 compile and link \(make\): \d+\.\d s$/m);
    expect(res.stderr).not.toContain('▸');
  }, BUILD_TIMEOUT);
});
