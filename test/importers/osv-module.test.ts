import { describe, expect, it } from 'vitest';
import { moduleRuns } from '../../importers/module-py.js';
import { translateOsvModule } from '../../importers/osv-module.js';
import { moduleRelative, usrManifestEntries } from '../../importers/osv-usr-manifest.js';
import { Report } from '../../importers/types.js';
import { project } from './project.js';

describe('usrManifestEntries / moduleRelative', () => {
  it('reads GUEST: HOST lines (headers and comments skipped) and keeps only module-relative host files', () => {
    const entries = usrManifestEntries('[manifest]\n# app\n/app.so: ${MODULE_DIR}/app.so\n/etc/x: ->/etc/y\n/**: ${MODULE_DIR}/build/**\n');
    expect(entries).toEqual([
      { guest: '/app.so', host: '${MODULE_DIR}/app.so', line: 3 },
      { guest: '/etc/x', host: '->/etc/y', line: 4 },
      { guest: '/**', host: '${MODULE_DIR}/build/**', line: 5 },
    ]);
    expect(entries.map((e) => moduleRelative(e.host))).toEqual(['app.so', null, null]);
    expect(moduleRelative('${OSV_BASE}/x')).toBeNull();
    expect(moduleRelative('../x')).toBeNull();
    expect(() => usrManifestEntries('[manifest]\nnot a line\n')).toThrow(/^usr\.manifest:2: not a line: expected/);
  });
});

describe('moduleRuns', () => {
  it('evaluates string assignments and api.run without running Python; the rest is reported', () => {
    const report = new Report();
    const py = [
      'from osv.modules import api',
      "_exe = '/srv.so'",
      'fg = api.run(_exe + " --port 80")',
      "tls = api.run(cmdline=_exe + ' --tls')",
      "bg = api.run_on_init(_exe + ' &!')",
      "api.require('openssl')",
      'default = tls',
      'usr_files = FileMap()',
      'odd = api.run(os.environ["X"])',
    ].join('\n');
    expect(moduleRuns(py, 'module.py', report)).toEqual({
      runs: [
        { name: 'fg', cmdline: '/srv.so --port 80', line: 3 },
        { name: 'tls', cmdline: '/srv.so --tls', line: 4 },
      ],
      defaultName: 'tls',
    });
    expect(report.untranslated.map((n) => n.line)).toEqual([5, 8, 9]);
    // A module it needs is not shipped: the app may fail at run time.
    expect(report.warnings.map((n) => n.construct)).toEqual(["require('openssl')"]);
  });
});

describe('translateOsvModule', () => {
  it('module.py + usr.manifest: the default command, the module\'s C files, everything else reported', () => {
    const t = translateOsvModule(
      project({ 'module.py': "from osv.modules import api\ndefault = api.run('/bin/web.so --port 80')\n", 'usr.manifest': '/bin/web.so: ${MODULE_DIR}/web.so\n/etc/web.conf: ${MODULE_DIR}/web.conf\n' }, ['web.c', 'web.h', 'web.conf', 'Makefile']),
    );
    expect(t.manifest).toEqual({ name: 'web', target: 'osv', sources: ['web.c', 'web.h'], cmdline: ['--port', '80'] });
    expect(t.from).toBe('module.py');
    expect(t.untranslated).toEqual([]);
    expect(t.warnings.map((n) => `${n.file}:${n.line}`)).toEqual(['usr.manifest:2']);
  });

  it('Capstanfile: cmdline wins over module.py, & expands in files, a prebuilt binary is taken when there is no C', () => {
    const t = translateOsvModule(
      project({ Capstanfile: 'base: cloudius/osv-base\ncmdline: --env=A=1 /tools/hello.so world &!\nbuild: make\nfiles:\n  /tools/hello.so: ./&\n', 'module.py': "default = api.run('/other')\n" }, ['hello.so']),
    );
    expect(t.manifest).toEqual({ name: 'hello', target: 'osv', sources: ['hello.so'], cmdline: ['world'] });
    expect(t.untranslated.map((n) => n.construct)).toEqual(['build: make', 'default = run(...)', '&!', '--env=A=1']);
  });

  it.each([
    [{ 'usr.manifest': '/a: ${MODULE_DIR}/a\n' }, [], /^module\.py: command: expected a command to run/],
    [{ Capstanfile: 'cmdline: hello\n' }, ['hello.c'], /^Capstanfile:1: cmdline: expected an absolute program path, found "hello"/],
    [{ Capstanfile: 'cmdline: /a "x\n' }, ['a.c'], /^Capstanfile:1: cmdline: expected a program to run/],
    [{ Capstanfile: 'cmdline: /a\nfiles:\n  /a: a\n' }, [], /^Capstanfile:3: \/a: expected the module's C files or the prebuilt binary/],
  ])('untranslatable input: one line naming file, line and construct (exit 2)', (texts, others, message) => {
    expect(() => translateOsvModule(project(texts as Record<string, string>, others))).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });
});
