import { describe, expect, it } from 'vitest';
import { storeFiles, translateMirageConfig } from '../../importers/mirage-config.js';
import { parseConfigMl } from '../../importers/ocaml-config.js';
import { project } from './project.js';

const mirage = (config: string, others = ['unikernel.ml']) => translateMirageConfig(project({ 'config.ml': config }, others));

describe('parseConfigMl', () => {
  it('reads opens and let bindings of applications, labels, lists, @-> and $ (comments nest)', () => {
    const c = parseConfigMl('(* a (* nested *) comment *)\nopen Mirage\nlet main = main ~pos:__POS__ "Unikernel.Main" (stackv4v6 @-> block @-> job)\nlet () = register "x" [ main $ s $ block_of_file "d" ];;\n');
    expect(c.opens).toEqual([{ name: 'Mirage', line: 2 }]);
    expect(c.bindings.map((b) => [b.name, b.line, b.expr.k])).toEqual([
      ['main', 3, 'app'],
      ['()', 4, 'app'],
    ]);
  });

  it.each([
    ['let f x = x\n', /^config\.ml:1: x: a function definition/],
    ['let x = match y with _ -> 1\n', /^config\.ml:1: match: OCaml unik cannot read/],
    ['let x = 1 + 2\n', /^config\.ml:1: 1: OCaml unik cannot read/],
    ['let x = "open\n', /^config\.ml:1: ": OCaml unik cannot read/],
    ['(* never closed\n', /^config\.ml:\d+: \(\*: OCaml unik cannot read/],
  ])('untranslatable OCaml %j: one line naming the line and construct', (text, message) => {
    expect(() => parseConfigMl(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });
});

describe('translateMirageConfig', () => {
  it('stackv4v6 over the default network → devices.net on virtio; ~packages the seed provides → packages', () => {
    const t = mirage(
      'open Mirage\nlet packages = [ package ~min:"1.0" "duration" ]\nlet main = main ~packages "Unikernel.Main" (stackv4v6 @-> job)\nlet stack = generic_stackv4v6 default_network\nlet () = register "web" ~packages:[package "duration"] [ main $ stack ]\n',
      ['unikernel.ml', 'page.ml', 'page.mli', 'Makefile'],
    );
    expect(t.manifest).toEqual({ name: 'web', target: 'mirage', platform: 'virtio', sources: ['page.ml', 'page.mli', 'unikernel.ml'], packages: ['duration'], devices: { net: { ports: [] } } });
    expect(t.untranslated.map((n) => `${n.line}:${n.construct}`)).toEqual(['2:package "duration" ~min', 'null:devices.net.ports']);
  });

  it('refuses a package the seed lacks: the modules using it would not compile (exit 2, before any build)', () => {
    const text = 'let main = main ~packages:[package "cohttp-mirage"] "Unikernel.Main" (stackv4v6 @-> job)\nlet () = register "w" [ main $ generic_stackv4v6 default_network ]\n';
    expect(() => mirage(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^config\.ml:1: package "cohttp-mirage": not in unik's duniverse seed/) }));
  });

  it('block_of_file disks find their image beside config.ml; a missing image is a warning', () => {
    const t = mirage(
      'open Mirage\nlet main = main "Unikernel.Main" (block @-> block @-> job)\nlet () = register "disk" [ main $ block_of_file "data" $ block_of_file "logs" ]\n',
      ['unikernel.ml', 'data.img'],
    );
    expect(t.manifest).toEqual({ name: 'disk', target: 'mirage', sources: ['unikernel.ml'], devices: { block: [{ name: 'data', file: 'data.img' }] } });
    expect(t.warnings.map((n) => n.construct)).toEqual(['block logs']);
  });

  it('refuses what would not compile as written: a device unik does not pass, a console-only functor, disks before the stack', () => {
    const refused = (text: string, files: string[], message: RegExp) => expect(() => mirage(text, files)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
    refused('let main = main "Unikernel.Main" (console @-> block @-> job)\nlet () = register "d" [ main $ default_console $ block_of_file "data" ]\n', ['unikernel.ml', 'data.img'], /^config\.ml:2: console default_console: .*drop this argument from Main$/);
    refused('let main = main "Unikernel.Main" (console @-> job)\nlet () = register "c" [main $ default_console]\n', ['unikernel.ml'], /^config\.ml:1: main "Unikernel\.Main": .*Unikernel\.start \(\)/);
    refused('let main = main "Unikernel.Main" job\nlet () = register "c" [main]\n', ['unikernel.ml'], /^config\.ml:1: main "Unikernel\.Main": .*Unikernel\.start \(\)/);
    refused('let main = main "Unikernel.Main" (block @-> stackv4v6 @-> job)\nlet () = register "o" [main $ block_of_file "d" $ generic_stackv4v6 default_network]\n', ['unikernel.ml', 'd'], /reorder its parameters$/);
  });

  it.each([
    ['let main = main "Unikernel.Main" (kv_ro @-> job)\nlet () = register "k" [main $ tar_kv_ro (block_of_file "t")]\n', /^config\.ml:2: kv_ro: tar_kv_ro \(block_of_file "t"\): a device unik does not model/],
    ['let main = main "Unikernel.Main" (kv_ro @-> job)\nlet () = register "k" [main $ crunch "htdocs"]\n', /^config\.ml:2: kv_ro "htdocs": expected a directory htdocs\/ with files beside config\.ml, found none/],
    ['let main = main "Unikernel.Main" (kv_ro @-> job)\nlet () = register "k" [main $ crunch "../etc"]\n', /^config\.ml:2: kv_ro "\.\.\/etc": expected a directory of the project/],
    ['let main = main "Unikernel.Main" (kv_ro @-> kv_ro @-> job)\nlet () = register "k" [main $ crunch "a" $ crunch "b"]\n', /^config\.ml:2: crunch "b": unik passes one key-value store/],
    ['let main = main "Unikernel.Main" (kv_ro @-> stackv4v6 @-> job)\nlet () = register "k" [main $ crunch "a" $ generic_stackv4v6 default_network]\n', /reorder its parameters$/],
    ['let main = main "Hello.Main" (stackv4v6 @-> job)\nlet () = register "h" [main $ generic_stackv4v6 default_network]\n', /^config\.ml:1: main "Hello\.Main": expected Unikernel\.Main/],
    ['open Functoria\nlet () = register "x" []\n', /^config\.ml:1: open Functoria: OCaml unik cannot read/],
    ['let main = main "Unikernel" job\n', /^config\.ml: register: expected/],
    ['let main = main "Unikernel.Main" (stackv4v6 @-> job)\nlet () = register "x" [main]\n', /^config\.ml:2: main: expected 1 device\(s\) after main/],
    ['let main = main "Unikernel.Main" (block @-> job)\nlet () = register "x" [main $ block_of_file "Bad-Name"]\n', /^config\.ml:2: block_of_file "Bad-Name": expected a block name/],
  ])('untranslatable: %j → one line naming file, line and construct (exit 2)', (text, message) => {
    expect(() => mirage(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('reads mirage-skeleton\'s idioms: let … in, Mirage.register, type annotations, labels after the arguments', () => {
    const clock = mirage('open Mirage\nlet main =\n  let packages = [ package "duration" ] in\n  main ~packages "Unikernel" job\nlet () = Mirage.register "speaking_clock" [ main ]\n');
    expect(clock.manifest).toEqual({ name: 'speaking-clock', target: 'mirage', sources: ['unikernel.ml'], packages: ['duration'] });
    const typed = mirage('let main : job impl = main "Unikernel" job ~packages:[ package "duration" ]\nlet () = let job = [ main ] in register "typed" job\n');
    expect(typed.manifest).toMatchObject({ name: 'typed', packages: ['duration'] });
  });

  it.each(['generic_kv_ro', 'generic_kv_ro ~key:(Key.value (Key.kv_ro ()))', 'crunch', 'direct_kv_ro'])('kv_ro %s "t" → files: each entry of t/ at the store root (the keys crunch gives)', (impl) => {
    const t = mirage(`open Mirage\nlet disk = ${impl} "t"\nlet main = main "Unikernel.Main" (kv_ro @-> job)\nlet () = register "kv_ro" [ main $ disk ]\n`, ['unikernel.ml', 't/b', 't/secret', 't/sub/c']);
    expect(t.manifest).toEqual({ name: 'kv-ro', target: 'mirage', sources: ['unikernel.ml'], files: { '/b': 't/b', '/secret': 't/secret', '/sub/': 't/sub/' } });
    expect(t.translated.map((n) => n.message)).toContain("files: t/ as the store's root (compiled in with ocaml-crunch)");
  });

  it('~local_libs → libraries: each the directory of its name with its dune file (mirage-skeleton tutorial/local-library)', () => {
    const t = mirage('open Mirage\n\nlet main = main "Unikernel" job ~local_libs:[ "hello" ]\nlet () = register "local-library" [ main ]\n', ['unikernel.ml', 'hello/dune', 'hello/hello.ml']);
    expect(t.manifest).toEqual({ name: 'local-library', target: 'mirage', sources: ['unikernel.ml'], libraries: ['hello'] });
  });

  it('storeFiles reads ./t as t, and refuses names that cannot be guest paths', () => {
    expect(storeFiles('./t/', { texts: {}, files: ['t/a'], dirs: ['t'], dirName: 'x' }, { file: 'config.ml', line: 3 })).toEqual({ '/a': 't/a' });
    expect(() => storeFiles('t/../..', { texts: {}, files: [], dirs: [], dirName: 'x' }, { file: 'config.ml', line: 3 })).toThrow(/expected a directory of the project/);
    const p = { texts: {}, files: ['t/a b'], dirs: ['t'], dirName: 'x' };
    expect(() => storeFiles('t', p, { file: 'config.ml', line: 3 })).toThrow(/^config\.ml:3: kv_ro "t": expected file names of letters, digits and \._-/);
  });

  it('if_impl Key.is_solo5 A B is A: unik builds for Solo5', () => {
    const t = mirage('let main = main "Unikernel.Main" (block @-> job)\nlet img =\n  if_impl Key.is_solo5 (block_of_file "storage")\n    (if_impl Key.is_unikraft (block_of_file "0") (block_of_file "disk.img"))\nlet () = register "block_test" [ main $ img ]\n', ['unikernel.ml', 'storage']);
    expect(t.manifest.devices).toEqual({ block: [{ name: 'storage', file: 'storage' }] });
  });

  it.each([
    ['let main = main "Unikernel" job ~local_libs:[ "hello" ]\nlet () = register "l" [ main ]\n', /^config\.ml:1: ~local_libs:\["hello"\]: expected the library in hello\/ beside config\.ml, with its dune file; found none$/],
    ['let main = main "Unikernel" job ~local_libs:[ "Hello-1" ]\nlet () = register "l" [ main ]\n', /^config\.ml:1: "Hello-1": expected a library name/],
    ['let () = Mirage.register "noop" []\n', /^config\.ml:1: register "noop" \[\]: expected one job, found 0/],
    ['let main = let x = 1 in\n', /^config\.ml:1: 1: OCaml unik cannot read/],
  ])('refuses %j naming the construct once', (text, message) => {
    expect(() => mirage(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('needs unikernel.ml beside config.ml', () => {
    expect(() => mirage('let main = main "Unikernel" job\nlet () = register "x" [main]\n', [])).toThrow(/^config\.ml: unikernel\.ml: expected unikernel\.ml beside config\.ml/);
  });
});
