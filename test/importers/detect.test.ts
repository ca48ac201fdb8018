import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../importers/detect.js';
import { renderManifest } from '../../importers/render.js';
import { parseManifest } from '../../manifest/load.js';
import { tmpTree } from '../helpers/tmp.js';

describe('detectFormat', () => {
  it('knows each format by its top-level files', () => {
    expect(detectFormat('d', ['kraft.yaml', 'Makefile.uk'])).toEqual({ format: 'kraftfile', main: 'kraft.yaml' });
    expect(detectFormat('d', ['config.ml', 'unikernel.ml'])).toEqual({ format: 'mirage-config', main: 'config.ml' });
    expect(detectFormat('d', ['module.py', 'usr.manifest'])).toEqual({ format: 'osv-module', main: 'module.py' });
  });

  it('refuses none and several in one line (exit 2)', () => {
    expect(() => detectFormat('d', ['main.c'])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^d: expected a Kraftfile, a MirageOS config\.ml or an OSv module/) }));
    expect(() => detectFormat('d', ['Kraftfile', 'config.ml'])).toThrow(/found Kraftfile and config\.ml/);
  });
});

describe('renderManifest', () => {
  it('writes unik.yaml in unik\'s key order, with where it came from, and it loads', () => {
    const dir = tmpTree({ 'a.c': '', 'www/x': '' });
    const text = renderManifest({
      format: 'kraftfile',
      from: 'Kraftfile',
      manifest: { devices: { share: [{ source: 'www', dest: '/www' }], net: { ports: [] } }, cmdline: ['a b', '80'], sources: ['a.c'], target: 'unikraft', name: 'x' },
      translated: [],
      untranslated: [],
    });
    expect(text.split('\n')[0]).toMatch(/^# Translated by "unik init --from" from Kraftfile/);
    expect(text.indexOf('name:')).toBeLessThan(text.indexOf('sources:'));
    expect(parseManifest(text, dir)).toMatchObject({ name: 'x', cmdline: ['a b', '80'], devices: { net: { ports: [] } } });
  });

  it('keeps a MirageOS store and local libraries (files, libraries), and they load', () => {
    const dir = tmpTree({ 'unikernel.ml': '', 't/secret': 'foo\n', 'hello/dune': '(library (name hello))\n' });
    const text = renderManifest({
      format: 'mirage-config',
      from: 'config.ml',
      manifest: { name: 'kv', target: 'mirage', sources: ['unikernel.ml'], libraries: ['hello'], files: { '/secret': 't/secret' } },
      translated: [],
      untranslated: [],
      warnings: [],
    });
    expect(parseManifest(text, dir)).toMatchObject({ libraries: ['hello'], files: [{ guest: '/secret', dir: false }] });
  });
});
