import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duniverseFor } from '../../../targets/mirage/build.js';
import { stageStore, STORE_DIR, storeEntries, storeModule } from '../../../targets/mirage/store.js';
import { devicesOf } from '../../../manifest/devices.js';
import { parseManifest } from '../../../manifest/load.js';
import { tmpTree } from '../../helpers/tmp.js';

const file = (guest: string, host: string) => ({ guest, host, sha256: '0'.repeat(64), role: 'file' as const });

/** Every file under a directory, relative, sorted. */
const tree = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).sort();

describe('storeModule: the module ocaml-crunch generates for a directory (mirage 4.10 crunch naming)', () => {
  it('is Static_ and the directory as a lowercase identifier', () => {
    expect(storeModule(STORE_DIR)).toBe('Static_unik_files');
    expect(storeModule('htdocs/Site-1')).toBe('Static_htdocs_site_1');
  });
});

describe('storeEntries: the files of the store, keyed by guest path', () => {
  it('drops the leading slash (crunch keys are relative to the store root), sorted', () => {
    expect(storeEntries([file('/www/index.html', '/h/i'), file('/etc/motd', '/h/m')], 'unik.yaml')).toEqual([
      { rel: 'etc/motd', host: '/h/m' },
      { rel: 'www/index.html', host: '/h/i' },
    ]);
  });

  it('refuses a guest path that is a file and the directory of another, in one line naming both (exit 2)', () => {
    expect(() => storeEntries([file('/etc', '/h/a'), file('/etc/motd', '/h/b')], '/app/unik.yaml')).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/files: expected guest paths that form one tree .* found \/etc as a file and as the directory of \/etc\/motd$/) }),
    );
  });
});

describe('stageStore: the build dir holds exactly the store', () => {
  it('writes new and changed files, keeps unchanged ones untouched, removes what left, and swaps a file for a directory', async () => {
    const host = tmpTree({ a: 'A', b: 'B', c: 'C' });
    const app = tmpTree();
    const root = join(app, STORE_DIR);
    await stageStore(app, [{ rel: 'x/a', host: join(host, 'a') }, { rel: 'y', host: join(host, 'b') }]);
    expect(tree(root)).toEqual(['x/a', 'y']);
    utimesSync(join(root, 'x', 'a'), new Date(0), new Date(0));
    await stageStore(app, [{ rel: 'x/a', host: join(host, 'a') }, { rel: 'y/c', host: join(host, 'c') }]);
    expect(tree(root)).toEqual(['x/a', 'y/c']);
    expect(statSync(join(root, 'x', 'a')).mtimeMs).toBe(0);
    expect(readFileSync(join(root, 'y', 'c'), 'utf8')).toBe('C');
    await stageStore(app, []);
    expect(readdirSync(app)).toEqual([]);
  });
});

describe('duniverseFor: the store brings ocaml-crunch and the in-memory Mirage_kv.RO', () => {
  it('adds crunch, mirage-kv, mirage-kv-mem and optint only with files', () => {
    const m = parseManifest('name: a\ntarget: mirage\nsources: [unikernel.ml]\n', tmpTree({ 'unikernel.ml': '' }));
    const kv = ['crunch', 'mirage-kv', 'mirage-kv-mem', 'optint'];
    expect(duniverseFor(devicesOf(m), [], true)).toEqual(expect.arrayContaining(kv));
    expect(duniverseFor(devicesOf(m), [])).not.toEqual(expect.arrayContaining(['crunch']));
  });
});
