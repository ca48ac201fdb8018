import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../manifest/load.js';
import { renderMirage } from '../../targets/mirage/render.js';
import { mirageDrivers } from '../../targets/mirage/drivers.js';
import { devicesOf } from '../../manifest/devices.js';
import { tmpTree } from '../helpers/tmp.js';

const app = tmpTree({
  'unikernel.ml': '',
  'hello/dune': '(library\n (name hello))\n',
  'hello/hello.ml': 'let hello = "hi"\n',
  'other/dune': '(library (name not_other))\n',
  'other/other.ml': '',
  'nodune/x.ml': '',
  'odd/dune': '(library (name odd))\n',
  'odd/a b.ml': '',
});
const outside = tmpTree({ 'secret.ml': '' });
symlinkSync(join(outside, 'secret.ml'), join(app, 'hello', 'leak.ml'));

const mirage = (rest: string, dir = app) => parseManifest(`name: l\ntarget: mirage\nsources: [unikernel.ml]\n${rest}`, dir);

describe('libraries (MirageOS ~local_libs)', () => {
  const clean = tmpTree({ 'unikernel.ml': '', 'hello/dune': '(library\n (name hello))\n', 'hello/hello.ml': '' });

  it('adds the files at the top of each library directory to the sources; config.ml passes ~local_libs', () => {
    const m = mirage('libraries: [hello]\n', clean);
    expect(m.libraries).toEqual(['hello']);
    expect(m.sources.map((s) => s.slice(m.appDir.length + 1))).toEqual(['unikernel.ml', 'hello/dune', 'hello/hello.ml']);
    const config = renderMirage(m, mirageDrivers(devicesOf(m), 'spt'))[0]!.content;
    expect(config).toContain('let main = main ~local_libs:["hello"] "Unikernel" (job)');
  });

  it.each([
    ['libraries: [hello]\n', /libraries\[0\]: expected a path inside the app directory, found "hello\/leak\.ml", a symlink that leads out of it/],
    ['libraries: [other]\n', /libraries\[0\]: expected a dune file declaring \(library \(name other\)\) .* found other\/dune without it/],
    ['libraries: [nodune]\n', /libraries\[0\]: expected a directory holding a dune file .* found nodune\/ without one/],
    ['libraries: [odd]\n', /libraries\[0\]: expected library files named with letters, digits and \._- .* found odd\/"a b\.ml"/],
    ['libraries: [missing]\n', /libraries\[0\]: expected an existing directory, found "missing", which does not exist/],
    ['libraries: [Hello]\n', /libraries\[0\]: expected a local library's name/],
  ])('refuses %j in one line naming the field (exit 2)', (yaml, message) => {
    expect(() => mirage(yaml)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('applies to target mirage only', () => {
    expect(() => parseManifest('name: l\ntarget: osv\nsources: [unikernel.ml]\nlibraries: [hello]\n', clean)).toThrow(/libraries: expected no libraries key \(it applies to target mirage only\)/);
  });
});
