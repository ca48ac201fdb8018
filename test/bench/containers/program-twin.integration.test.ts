import { execa } from 'execa';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programRootfs } from '../../../bench/containers/program-twin.js';
import { loadManifest } from '../../../manifest/load.js';
import { ROOT } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

/**
 * The container twin of a program holds only what unik collected (the program, the libraries resolved like ld.so,
 * the interpreter, the files): each program must run from that alone. chroot is the smallest container there is.
 */
const programs = ['/usr/bin/lua5.4', '/usr/sbin/nginx', '/usr/bin/python3', '/usr/bin/node', '/usr/bin/redis-server'];
const missing = programs.filter((p) => !existsSync(p));
const root = process.getuid?.() === 0;
if (missing.length || !root) console.warn(`\n*** SKIPPING program twin tests: ${root ? `${missing.join(', ')} missing (scripts/setup.sh installs them)` : 'chroot needs root'} ***\n`);

describe.skipIf(missing.length > 0 || !root)('program twins: a program runs from the files unik collects for it (integration)', () => {
  const twin = async (example: string) => {
    const m = loadManifest(join(ROOT, 'examples', example));
    const rootfs = tmpTree();
    await programRootfs(m, rootfs, `/${m.name}`);
    mkdirSync(join(rootfs, 'tmp'), { recursive: true });
    return (...argv: string[]) => execa('chroot', [rootfs, `/${m.name}`, ...argv], { reject: false, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...m.env }, extendEnv: false, timeout: 60_000 });
  };

  it('lua5.4 runs its script with libreadline and libtinfo collected', async () => {
    const res = await (await twin('lua-osv'))('/app/hello.lua');
    expect(res.stdout, res.stderr).toBe('Hello from Lua on OSv, Lua 5.4: 2^10 = 1024.0');
  });

  it('python3 runs its script with the standard library from files', async () => {
    const res = await (await twin('python-osv'))('/app/hello.py');
    expect(res.stdout, res.stderr).toMatch(/^Hello from Python 3\.\d+\.\d+ on Linux/);
  });

  it('nginx accepts its configuration from files', async () => {
    const res = await (await twin('nginx-osv'))('-t', '-c', '/etc/nginx/nginx.conf');
    expect(res.stderr).toContain('test is successful');
  });

  it('node and redis-server start', async () => {
    expect((await (await twin('node-osv'))('-e', 'console.log(1 + 1)')).stdout).toBe('2');
    expect((await (await twin('redis-osv'))('--version')).stdout).toMatch(/^Redis server v=/);
  });
});
