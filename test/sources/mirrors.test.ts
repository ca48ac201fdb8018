import { describe, expect, it } from 'vitest';
import { mirrorCandidates, repoOf, resolveSubmoduleUrl } from '../../sources/mirrors.js';

describe('mirrors', () => {
  it('reads owner and repository from the URL forms .gitmodules and known sources use', () => {
    expect(repoOf('https://github.com/osvunikernel/kbuild-standalone.git')).toEqual({ owner: 'osvunikernel', repo: 'kbuild-standalone' });
    expect(repoOf('https://github.com/cloudius-systems/musl')).toEqual({ owner: 'cloudius-systems', repo: 'musl' });
    expect(repoOf('git@github.com:mirage/mirage-tcpip.git')).toEqual({ owner: 'mirage', repo: 'mirage-tcpip' });
    expect(repoOf('/work/mirrors/osv')).toBeNull();
  });

  it('resolves relative submodule URLs against the superproject the way git does', () => {
    expect(resolveSubmoduleUrl('https://github.com/cloudius-systems/osv.git', '../../cloudius-systems/acpica')).toBe('https://github.com/cloudius-systems/acpica');
    expect(resolveSubmoduleUrl('https://github.com/cloudius-systems/osv.git', '../osv-apps')).toBe('https://github.com/cloudius-systems/osv-apps');
    expect(resolveSubmoduleUrl('https://github.com/cloudius-systems/osv.git', 'https://github.com/osvunikernel/musl')).toBe('https://github.com/osvunikernel/musl');
  });

  it('looks for a checkout named like the source, then a bare <owner>+<repo>/repo mirror, then the repository name', () => {
    expect(mirrorCandidates('/m', 'https://github.com/mirage/mirage-tcpip.git', 'tcpip')).toEqual(['/m/tcpip', '/m/mirage+mirage-tcpip/repo', '/m/mirage-tcpip']);
    expect(mirrorCandidates('/m', 'https://github.com/osvunikernel/musl')).toEqual(['/m/osvunikernel+musl/repo', '/m/musl']);
  });
});
