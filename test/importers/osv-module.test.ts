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
    // A file the module ships from its own directory comes along (files:); the binary its Makefile builds does not.
    expect(t.manifest).toEqual({ name: 'web', target: 'osv', sources: ['web.c', 'web.h'], files: { '/etc/web.conf': 'web.conf' }, cmdline: ['--port', '80'] });
    expect(t.from).toBe('module.py');
    expect(t.untranslated).toEqual([]);
    expect(t.warnings).toEqual([]);
  });

  it('Capstanfile: cmdline wins over module.py, & expands in files, a prebuilt binary is taken when there is no C', () => {
    const t = translateOsvModule(
      project({ Capstanfile: 'base: cloudius/osv-base\ncmdline: --env=A=1 /tools/hello.so world &!\nbuild: make\nfiles:\n  /tools/hello.so: ./&\n', 'module.py': "default = api.run('/other')\n" }, ['hello.so']),
    );
    expect(t.manifest).toEqual({ name: 'hello', target: 'osv', sources: ['hello.so'], env: { A: '1' }, cmdline: ['world'] });
    expect(t.untranslated.map((n) => n.construct)).toEqual(['build: make', 'default = run(...)', '&!']);
  });

  it.each([
    [{ 'usr.manifest': '/a: ${MODULE_DIR}/a\n' }, [], /^module\.py: command: expected a command to run/],
    [{ Capstanfile: 'cmdline: hello\n' }, ['hello.c'], /^Capstanfile:1: cmdline: expected an absolute program path, found "hello"/],
    [{ Capstanfile: 'cmdline: /a "x\n' }, ['a.c'], /^Capstanfile:1: cmdline: expected a program to run/],
    [{ Capstanfile: 'cmdline: /a\nfiles:\n  /a: a\n' }, [], /^Capstanfile:3: \/a: expected the module's C files, the prebuilt binary beside them or a host program/],
  ])('untranslatable input: one line naming file, line and construct (exit 2)', (texts, others, message) => {
    expect(() => translateOsvModule(project(texts as Record<string, string>, others))).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('a *-from-host module: the program the Makefile takes with `which` (the first this host has), its echoed manifest lines as files', () => {
    const makefile = [
      'lua_path := $(shell which lua)',
      'ifndef lua_path',
      '\tlua_path := $(shell which lua5.3)',
      'endif',
      'module:',
      '\techo "/lua: ${lua_full_path}" > usr.manifest',
      "\techo '/hello.lua: $${MODULE_DIR}/hello.lua' >> usr.manifest",
      "\techo '/www/**: $${MODULE_DIR}/www/**' >> usr.manifest",
      "\techo '/var/log/lua: ->/tmp' >> usr.manifest",
      '\t$(SRC)/scripts/manifest_from_host.sh $(lua_full_path) >> usr.manifest',
      '\t$(SRC)/scripts/manifest_from_host.sh -r $(ROOTFS) >> usr.manifest',
    ].join('\n');
    const texts = { 'module.py': "from osv.modules import api\ndefault = api.run('--env=TERM=unknown /lua /hello.lua')\n", Makefile: makefile };
    const p = { ...project(texts, ['hello.lua', 'www/index.html'], ['www']), onHostPath: { 'lua5.3': { path: '/usr/bin/lua5.3', serves: false, forks: ['popen', 'system'] } } };
    const t = translateOsvModule(p);
    expect(t.manifest).toEqual({ name: 'lua', target: 'osv', program: '/usr/bin/lua5.3', fork: 'unused', files: { '/hello.lua': 'hello.lua', '/www/': 'www/' }, env: { TERM: 'unknown' }, cmdline: ['/hello.lua'] });
    // A link, and a tree the Makefile generates, are not shipped; the program's own manifest_from_host.sh line is the program.
    expect(t.warnings.map((n) => `${n.file}:${n.line} ${n.construct}`)).toEqual(['Makefile:9 /var/log/lua: ->/tmp', 'Makefile:11 $(SRC)/scripts/manifest_from_host.sh -r $(ROOTFS) >> usr.manifest']);
    // A server gets a network (unik's OSv kernels have none without devices.net); none on the host: exit 2.
    const server = translateOsvModule({ ...p, onHostPath: { lua: { path: '/usr/bin/lua', serves: true, forks: [] } } });
    expect(server.manifest).toMatchObject({ program: '/usr/bin/lua', devices: { net: { ports: [] } } });
    // fork: unused only where the program imports a process function.
    expect(server.manifest.fork).toBeUndefined();
    expect(() => translateOsvModule({ ...p, onHostPath: {} })).toThrow(expect.objectContaining({ exitCode: 2, message: 'Makefile:1: which lua: the module takes lua or lua5.3 from the host, and this host has none on its PATH' }));
  });

  it.each([
    ['downloads', '\twget -c -O x.tar.gz http://example.org/x.tar.gz', /^Makefile:2: wget: the Makefile downloads and builds upstream code/],
    ['runs GET', '\t./GET', /^Makefile:2: \.\/GET: the Makefile downloads/],
    ['links a library', '\tcc -shared -o app.so app.c `pkg-config --libs MagickWand`', /^Makefile:2: pkg-config --libs MagickWand: the program links a library/],
    ['links -l through LDFLAGS', '\t$(CC) -shared -o $@ $^ $(LDFLAGS)', /^Makefile:2: -lgo: the program links a library/],
    ['another compiler', '\tgccgo -c -o hello.o hello.go', /^Makefile:2: gccgo: the program is built with a compiler unik does not run/],
  ])('a C module whose Makefile %s is refused up front (exit 2): its C files are not the whole program', (_what, recipe, message) => {
    const texts = { 'module.py': "default = api.run('/app.so')\n", Makefile: `LDFLAGS = -lgo -lgobegin\n${recipe}\n` };
    expect(() => translateOsvModule(project(texts, ['app.c']))).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('a C module whose Makefile only compiles it (osv-apps native-example) translates', () => {
    const texts = { 'module.py': "default = api.run('/hello')\n", Makefile: 'CFLAGS = -std=gnu99 -fpie -rdynamic\nhello: hello.c\n\t$(CC) -pie -o $@ $(CFLAGS) $(LDFLAGS) hello.c\n' };
    expect(translateOsvModule(project(texts, ['hello.c'])).manifest).toEqual({ name: 'hello', target: 'osv', sources: ['hello.c'] });
  });
});
