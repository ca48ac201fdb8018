import { describe, expect, it } from 'vitest';
import { unikraftLibc, withLibc } from '../../../targets/unikraft/libc.js';

describe('unikraftLibc', () => {
  it('C sources build on nolibc: nothing added', () => {
    expect(unikraftLibc({ sources: ['/a/main.c', '/a/main.h'] })).toEqual({ settings: {}, requires: [] });
  });

  it('libc: musl adds lib-musl and the options it reads', () => {
    expect(unikraftLibc({ sources: ['/a/main.c'], libc: 'musl' })).toEqual({ settings: { LIBMUSL: 'y', LIBPOSIX_SYSINFO: 'y', LIBUKSIGNAL: 'y' }, requires: ['lib-musl'] });
  });

  it('C++ sources (.cc, .cpp, .cxx) bring libc++, its runtime and musl, libc++ before musl', () => {
    for (const f of ['/a/x.cc', '/a/x.cpp', '/a/x.cxx']) {
      const { settings, requires } = unikraftLibc({ sources: [f] });
      expect(requires).toEqual(['lib-libcxxabi', 'lib-libcxx', 'lib-libunwind', 'lib-compiler-rt', 'lib-musl']);
      expect(settings).toMatchObject({ LIBMUSL: 'y', LIBCXX: 'y', LIBCXXABI: 'y', LIBUNWIND: 'y', LIBCOMPILER_RT: 'y' });
    }
  });

  it('adds to the devices\' drivers', () => {
    expect(withLibc({ settings: { LIBLWIP: 'y' }, requires: ['lib-lwip'] }, { sources: ['/a/m.c'], libc: 'musl' })).toEqual({
      settings: { LIBLWIP: 'y', LIBMUSL: 'y', LIBPOSIX_SYSINFO: 'y', LIBUKSIGNAL: 'y' },
      requires: ['lib-lwip', 'lib-musl'],
    });
  });
});
