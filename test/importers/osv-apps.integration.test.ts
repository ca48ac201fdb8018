import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { osvHome, productSource } from '../helpers/toolchain.js';

const osvSrc = productSource('osv', 'osv-apps import integration test');

/** The lines a build writes when not on a TTY: `unik: step N/TOTAL title: 1.2 s`. */
const stepLines = (text: string): RegExpExecArray[] =>
  text.split('\n').flatMap((l) => {
    const m = /^unik: step (\d+)\/(\d+) (.*): [\d.]+ s$/.exec(l);
    return m ? [m] : [];
  });

describe.skipIf(!osvSrc)('osv-apps modules: init --from, build, run (integration, real OSv)', () => {
  it('a C module like native-example: compiled by unik; the build counts its real steps (n/total, the last n = total)', async () => {
    const env = { UNIK_HOME: await osvHome(tmpTree()) };
    const dir = tmpTree({
      'module.py': 'from osv.modules import api\n\ndefault = api.run("/hello")\n',
      'usr.manifest': '/hello: ${MODULE_DIR}/hello\n',
      Makefile: 'CFLAGS = -std=gnu99 -fpie -rdynamic\n\nhello: hello.c\n\t$(CC) -pie -o $@ $(CFLAGS) $(LDFLAGS) hello.c\n',
      'hello.c': '#include <stdio.h>\nint main(void) { puts("Hello from an osv-apps module"); return 0; }\n',
    });
    const init = await unik(['init', '--from', dir], env);
    expect(init.exitCode, init.stderr).toBe(0);
    const built = await unik(['build', dir], env);
    expect(built.exitCode, built.stderr).toBe(0);
    const steps = stepLines(built.stderr);
    expect(steps.map((m) => m[3])).toContain('compile the app (gcc -fPIE -pie)');
    // Before: "step 1 compile …", no total. Now one total, and it is the number of steps run.
    expect(new Set(steps.map((m) => m[2])), built.stderr).toEqual(new Set([String(steps.length)]));
    expect(steps.map((m) => Number(m[1]))).toEqual(steps.map((_, i) => i + 1));
    const run = await unik(['run', dir, '--accel', 'tcg', '--timeout', '60s'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from an osv-apps module');
  }, BUILD_TIMEOUT);

  it('a *-from-host module: the host program its Makefile takes (`which`) becomes program:, its echoed files come along', async () => {
    const env = { UNIK_HOME: await osvHome(tmpTree()) };
    const dir = tmpTree({
      'module.py': 'from osv.modules import api\ndefault = api.run("/cat /greeting.txt")\n',
      Makefile: ".PHONY: module\ncat_path = $(shell realpath $$(which cat))\nmodule:\n\t$(SRC)/scripts/manifest_from_host.sh $(cat_path) > usr.manifest\n\techo '/greeting.txt: $${MODULE_DIR}/greeting.txt' >> usr.manifest\n",
      'greeting.txt': 'Hello from the host\'s cat\n',
    });
    const init = await unik(['init', '--from', dir], env);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('next: unik build');
    expect(readFileSync(`${dir}/unik.yaml`, 'utf8')).toMatch(/^program: \/\S+\/cat\nfiles:\n {2}\/greeting\.txt: greeting\.txt\ncmdline:\n {2}- \/greeting\.txt\n/m);
    const built = await unik(['build', dir], env);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(stepLines(built.stderr).map((m) => `${m[1]}/${m[2]}`).at(-1)).toMatch(/^(\d+)\/\1$/);
    const run = await unik(['run', dir, '--accel', 'tcg', '--timeout', '60s'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from the host\'s cat');
  }, BUILD_TIMEOUT);

  it('a C module whose Makefile downloads what the program needs is refused at import: exit 2, the line, nothing written', async () => {
    const dir = tmpTree({ 'module.py': 'default = api.run("/python")\n', Makefile: 'module:\n\t./GET\n', 'python.c': 'int main(void) { return 0; }\n' });
    const init = await unik(['init', '--from', dir]);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toMatch(/^unik: Makefile:2: \.\/GET: the Makefile downloads and builds upstream code the program needs; unik compiles only the module's own C files, so \/python would not build$/m);
    expect(existsSync(`${dir}/unik.yaml`)).toBe(false);
  });
});
