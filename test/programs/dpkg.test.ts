import { existsSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debianPackages, dpkgAliases, ownersFromLists } from '../../programs/dpkg.js';

describe('Debian packages of collected files', () => {
  it('looks a file up under its merged-/usr aliases', () => {
    expect(dpkgAliases('/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13')).toEqual([
      '/lib/x86_64-linux-gnu/libz.so.1',
      '/usr/lib/x86_64-linux-gnu/libz.so.1',
      '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13',
      '/lib/x86_64-linux-gnu/libz.so.1.2.13',
    ]);
    expect(dpkgAliases('/etc/nginx/mime.types')).toEqual(['/etc/nginx/mime.types']);
  });

  it('answers from *.list contents as dpkg -S does, keeping the architecture qualifier', () => {
    const lists: [string, string][] = [['zlib1g:amd64.list', '/.\n/lib/x86_64-linux-gnu/libz.so.1.2.13\n'], ['nginx.list', '/usr/sbin/nginx\n']];
    expect(ownersFromLists(lists, new Set(['/usr/sbin/nginx', '/lib/x86_64-linux-gnu/libz.so.1.2.13', '/nope']))).toEqual(
      new Map([['/lib/x86_64-linux-gnu/libz.so.1.2.13', 'zlib1g:amd64'], ['/usr/sbin/nginx', 'nginx']]),
    );
  });

  it.skipIf(!existsSync('/var/lib/dpkg/info'))("names this host's packages, and null for a file no package has", () => {
    const sh = realpathSync('/bin/sh');
    expect(debianPackages([{ path: '/bin/sh', real: sh }, { path: '/tmp/none', real: '/tmp/none' }])).toEqual([expect.stringMatching(/^(dash|bash)$/), null]);
    expect(debianPackages([{ path: '/x', real: '/x' }], '/no/dpkg')).toEqual([null]);
  });
});
