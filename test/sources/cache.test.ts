import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../lib/home.js';
import { KNOWN_SOURCES } from '../../sources/known-sources.js';
import { addArchive, addSource, parseStatusV2, readLock, resolveSources } from '../../sources/cache.js';
import { CLI, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/** A local git repository standing in for a fetched framework checkout. */
async function fixtureRepo(branch: string): Promise<{ dir: string; commit: string }> {
  const dir = tmpTree({ 'README': 'lwip fixture\n', 'src/core.c': 'int x;\n' });
  const git = (...a: string[]) => execa('git', a, { cwd: dir });
  await git('init', '-q', '-b', branch);
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
  await git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
  await git('tag', 'v1');
  return { dir, commit: (await git('rev-parse', 'HEAD')).stdout.trim() };
}

const shim = join(CLI, '..', '..', 'targets', 'unikraft', 'fetch-shim.js');
const serve = (lock: string, url: string, dest: string) =>
  execa(process.execPath, [shim, '-q', '--show-progress', '--progress=bar', '-O', dest, url], { reject: false, env: { UNIK_SOURCES_LOCK: lock } });

describe('sources cache', () => {
  it('clones a local checkout at a ref, records the commit, and builds the archive it provides', async () => {
    const l = layout(tmpTree());
    const repo = await fixtureRepo('UNIKRAFT-2_1_x');
    const entry = await addSource(l, 'fork-lwip', repo.dir);
    expect(entry).toMatchObject({ name: 'fork-lwip', ref: 'UNIKRAFT-2_1_x', commit: repo.commit, origin: repo.dir });
    expect(existsSync(join(l.sources, 'fork-lwip', 'src', 'core.c'))).toBe(true);
    const archive = Object.values(readLock(l).archives)[0]!;
    expect(archive.url).toBe('https://github.com/unikraft/fork-lwip/archive/refs/heads/UNIKRAFT-2_1_x.zip');
    expect(archive.from).toEqual({ source: 'fork-lwip', commit: repo.commit });
    expect((await resolveSources(l, ['fork-lwip']))['fork-lwip']).toMatchObject({ commit: repo.commit, dirty: false });
  });

  it('sees a modified checkout as dirty, in place or staged, and clean again once restored', async () => {
    const l = layout(tmpTree());
    const repo = await fixtureRepo('UNIKRAFT-2_1_x');
    await addSource(l, 'fork-lwip', repo.dir);
    const file = join(l.sources, 'fork-lwip', 'src', 'core.c');
    const state = async () => (await resolveSources(l, ['fork-lwip']))['fork-lwip']!;
    expect(await state()).toMatchObject({ commit: repo.commit, dirty: false });
    writeFileSync(file, 'int y;\n');
    expect(await state()).toMatchObject({ commit: repo.commit, dirty: true });
    await execa('git', ['add', 'src/core.c'], { cwd: join(l.sources, 'fork-lwip') });
    expect((await state()).dirty).toBe(true);
    await execa('git', ['checkout', 'HEAD', '--', 'src/core.c'], { cwd: join(l.sources, 'fork-lwip') });
    expect(await state()).toMatchObject({ commit: repo.commit, dirty: false });
  });

  it('reads commit and changes from one git status --porcelain=v2 --branch', () => {
    const oid = 'e453b74a2e78a0de98563d75d8e0a97e668088e6';
    expect(parseStatusV2(`# branch.oid ${oid}\n# branch.head (detached)\n`)).toEqual({ commit: oid, changes: [] });
    expect(parseStatusV2(`# branch.oid ${oid}\n# branch.head main\n1 .M N... 100644 100644 100644 a b src/x.c\n`).changes).toHaveLength(1);
    expect(parseStatusV2('# branch.oid (initial)\n').commit).toBeNull();
  });

  it('checks out the submodules a source needs at the pinned commits, cloned from a local checkout\'s own copies', async () => {
    const l = layout(tmpTree());
    const paths = KNOWN_SOURCES.osv.submodules;
    const subs = await Promise.all(paths.map(() => fixtureRepo('master')));
    const sup = await fixtureRepo('master');
    const git = (...a: string[]) => execa('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'protocol.file.allow=always', ...a], { cwd: sup.dir });
    for (const [i, p] of paths.entries()) await git('submodule', 'add', '-q', subs[i]!.dir, p);
    await git('commit', '-qm', 'submodules');
    // The pinned commit is the superproject's; the local copy has moved on since (as osv's apps/ had).
    await execa('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'later'], { cwd: join(sup.dir, paths[0]!) });
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    await addSource(l, 'osv', sup.dir, head);
    for (const [i, p] of paths.entries()) {
      const at = (await execa('git', ['rev-parse', 'HEAD'], { cwd: join(l.sources, 'osv', p) })).stdout.trim();
      expect(at).toBe(subs[i]!.commit);
    }
    expect((await resolveSources(l, ['osv'])).osv).toMatchObject({ commit: head, dirty: false });
  });

  it('offline, finds the submodules in a directory of bare <owner>+<repo>/repo mirrors by their .gitmodules URLs', async () => {
    const l = layout(tmpTree());
    const paths = KNOWN_SOURCES.osv.submodules;
    const upstream = ['../../cloudius-systems/acpica', 'https://github.com/osvunikernel/musl', 'https://github.com/cloudius-systems/musl', 'https://github.com/osvunikernel/kbuild-standalone.git'];
    const mirrorNames = ['cloudius-systems+acpica', 'osvunikernel+musl', 'cloudius-systems+musl', 'osvunikernel+kbuild-standalone'];
    const subs = await Promise.all(paths.map(() => fixtureRepo('master')));
    const sup = await fixtureRepo('master');
    const git = (...a: string[]) => execa('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'protocol.file.allow=always', ...a], { cwd: sup.dir });
    const mirrors = tmpTree();
    for (const [i, p] of paths.entries()) {
      await git('submodule', 'add', '-q', subs[i]!.dir, p);
      await git('config', '-f', '.gitmodules', `submodule.${p}.url`, upstream[i]!);
      await execa('git', ['clone', '-q', '--bare', subs[i]!.dir, join(mirrors, mirrorNames[i]!, 'repo')]);
    }
    await git('add', '.gitmodules');
    await git('commit', '-qm', 'submodules at upstream URLs');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    // The superproject itself as a bare mirror too: no submodule checkouts to clone from.
    await execa('git', ['clone', '-q', '--bare', sup.dir, join(mirrors, 'cloudius-systems+osv', 'repo')]);
    const entry = await addSource(l, 'osv', undefined, head, mirrors);
    expect(entry.origin).toBe(join(mirrors, 'cloudius-systems+osv', 'repo'));
    for (const [i, p] of paths.entries()) {
      expect((await execa('git', ['rev-parse', 'HEAD'], { cwd: join(l.sources, 'osv', p) })).stdout.trim()).toBe(subs[i]!.commit);
    }
    await expect(addSource(l, 'solo5', undefined, undefined, mirrors)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('Solo5+solo5/repo') });
  });

  it('rejects unknown names, unsafe refs and missing locations with exit code 2', async () => {
    const l = layout(tmpTree());
    await expect(addSource(l, 'linux', '/tmp')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('source: expected one of') });
    await expect(addSource(l, 'unikraft', '/tmp', '--upload-pack=x')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--ref') });
    await expect(addSource(l, 'unikraft', '/does/not/exist')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('does not exist') });
  });

  it('a missing source names the command that adds it', async () => {
    const l = layout(tmpTree());
    await expect(resolveSources(l, ['unikraft'])).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('unik sources add unikraft') });
  });

  it('refuses an archive whose checksum does not match the one given', async () => {
    const l = layout(tmpTree());
    const f = join(tmpTree({ 'musl-1.2.3.tar.gz': 'not really musl' }), 'musl-1.2.3.tar.gz');
    await expect(addArchive(l, 'https://musl.libc.org/releases/musl-1.2.3.tar.gz', f, '00'.repeat(32))).rejects.toMatchObject({ exitCode: 2 });
    const ok = await addArchive(l, 'https://musl.libc.org/releases/musl-1.2.3.tar.gz', f);
    expect(ok.entry.file).toBe('musl-1.2.3.tar.gz');
  });
});

describe('sources add --ref', () => {
  it('says which ref was not found, in one line with exit 2, and leaves nothing behind', async () => {
    const home = tmpTree();
    const repo = await fixtureRepo('UNIKRAFT-2_1_x');
    const res = await unik(['sources', 'add', 'fork-lwip', repo.dir, '--ref', 'does-not-exist'], { UNIK_HOME: home });
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe(`unik: --ref: expected a tag, branch or commit of ${repo.dir}, found "does-not-exist", which it does not have`);
    expect(existsSync(join(home, 'sources', 'fork-lwip'))).toBe(false);
    expect(readLock(layout(home)).sources).toEqual({});
  });

  it('still takes a tag, a commit or a branch', async () => {
    const l = layout(tmpTree());
    const repo = await fixtureRepo('UNIKRAFT-2_1_x');
    for (const ref of ['v1', repo.commit, 'UNIKRAFT-2_1_x']) expect((await addSource(l, 'fork-lwip', repo.dir, ref)).commit).toBe(repo.commit);
  });
});

describe('sources add-archive over a pinned checksum', () => {
  const url = 'https://example.org/dl/lib-2.0.tar.gz';
  const fileWith = (content: string) => join(tmpTree({ 'lib-2.0.tar.gz': content }), 'lib-2.0.tar.gz');
  const sha = (content: string) => createHash('sha256').update(content).digest('hex');

  it('refuses another file for the same URL unless --force, and says what changed', async () => {
    const home = tmpTree();
    const env = { UNIK_HOME: home };
    expect((await unik(['sources', 'add-archive', url, fileWith('original')], env)).exitCode).toBe(0);
    const refused = await unik(['sources', 'add-archive', url, fileWith('swapped')], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`expected the archive pinned for ${url} (sha256 ${sha('original')}), found sha256 ${sha('swapped')}`);
    expect(refused.stderr).toContain('--force');
    const l = layout(home);
    expect(readLock(l).archives[url]!.sha256).toBe(sha('original'));
    expect(readFileSync(join(l.archives, 'lib-2.0.tar.gz'), 'utf8')).toBe('original');

    const same = await unik(['sources', 'add-archive', url, fileWith('original')], env);
    expect(same.exitCode).toBe(0);
    expect(same.stdout).not.toContain('replaced');
    const forced = await unik(['sources', 'add-archive', url, fileWith('swapped'), '--force'], env);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`replaced the pinned sha256 ${sha('original')}`);
    expect(readLock(l).archives[url]!.sha256).toBe(sha('swapped'));
  });
});

describe('archive server (WGET stand-in)', () => {
  it('serves a cached archive, refuses a tampered one and an unknown URL', async () => {
    const l = layout(tmpTree());
    const url = 'https://example.org/dl/lib-1.0.tar.gz';
    await addArchive(l, url, join(tmpTree({ 'lib-1.0.tar.gz': 'archive-content' }), 'lib-1.0.tar.gz'));
    const out = tmpTree();

    const good = await serve(l.sourcesLock, url, join(out, 'a.tgz'));
    expect(good.exitCode).toBe(0);
    expect(readFileSync(join(out, 'a.tgz'), 'utf8')).toBe('archive-content');

    const unknown = await serve(l.sourcesLock, 'https://example.org/other.zip', join(out, 'b.zip'));
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('not in unik\'s archive cache');

    writeFileSync(join(l.archives, 'lib-1.0.tar.gz'), 'tampered');
    const bad = await serve(l.sourcesLock, url, join(out, 'c.tgz'));
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('checksum mismatch');
    expect(existsSync(join(out, 'c.tgz'))).toBe(false);
  });
});
