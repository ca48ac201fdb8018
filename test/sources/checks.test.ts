import { describe, expect, it } from 'vitest';
import { layout } from '../../lib/home.js';
import { sourceChecks } from '../../sources/checks.js';
import { tmpTree } from '../helpers/tmp.js';

describe('sourceChecks', () => {
  const l = layout(tmpTree());

  it('a missing required source fails, the optional ones warn, each with the command that fixes it', async () => {
    const checks = await sourceChecks(l, 'unikraft', ['unikraft']);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['source unikraft', 'fail'],
      ['source lib-lwip', 'warn'],
      ['source fork-lwip', 'warn'],
      // musl and LLVM's C++ libraries: needed only by apps on musl or in C++.
      ...['lib-musl', 'lib-libcxx', 'lib-libcxxabi', 'lib-libunwind', 'lib-compiler-rt'].map((n) => [`source ${n}`, 'warn']),
      // app-elfloader and its libelf: needed only by `program:` apps.
      ...['app-elfloader', 'lib-libelf'].map((n) => [`source ${n}`, 'warn']),
    ]);
    expect(checks[0]!.fix).toMatch(/^unik sources add unikraft .* at RELEASE-0\.16\.3/);
  });

  it("lists only the framework's own sources", async () => {
    expect((await sourceChecks(l, 'osv', [])).map((c) => c.name)).toEqual(['source osv']);
    expect((await sourceChecks(l, 'mirage', [])).map((c) => c.name)).toEqual(['source solo5', 'source ocaml-solo5', 'source mirage', 'mirage library sources']);
  });

  it('sums up the OCaml library sources in one line, naming the missing ones', async () => {
    const lib = (await sourceChecks(l, 'mirage', [])).at(-1)!;
    expect(lib).toMatchObject({ status: 'warn', fix: expect.stringContaining('unik sources add emile') });
    expect(lib.detail).toMatch(/^0\/41 at their pinned refs; missing emile, pecu, mirage-solo5, lwt, /);
  });
});
