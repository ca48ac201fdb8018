import { describe, expect, it } from 'vitest';
import { parseAnswer, watchDirOf, watchIdleSeconds, watchingOn } from '../../sources/watch-dir.js';

describe('watch-dir', () => {
  it('one directory per checkout path, under the sources cache', () => {
    const a = watchDirOf('/home/u/.local/share/unik/sources', '/home/u/.local/share/unik/sources/unikraft');
    const b = watchDirOf('/home/u/.local/share/unik/sources', '/home/u/.local/share/unik/sources/lwip');
    expect(a.dir).toMatch(/^\/home\/u\/\.local\/share\/unik\/sources\/\.watch\/[0-9a-f]{16}$/);
    expect(a.dir).not.toBe(b.dir);
    expect(a.cookies).toBe(`${a.dir}/cookies`);
  });

  it('takes only a well-formed answer', () => {
    const commit = 'a'.repeat(40);
    expect(parseAnswer(JSON.stringify({ commit, dirty: false }))).toEqual({ commit, dirty: false });
    for (const bad of ['', 'null', '{}', JSON.stringify({ commit: 'HEAD', dirty: false }), JSON.stringify({ commit, dirty: 'no' })]) expect(parseAnswer(bad)).toBeNull();
  });

  it('UNIK_SOURCE_WATCH, CI and the idle time', () => {
    expect(watchingOn({ UNIK_SOURCE_WATCH: 'off' })).toBe(false);
    expect(watchingOn({})).toBe(true);
    expect(watchingOn({ CI: 'true' })).toBe(false);
    expect(watchingOn({ CI: 'true', UNIK_SOURCE_WATCH: 'on' })).toBe(true);
    expect(watchIdleSeconds({})).toBe(600);
    expect(watchIdleSeconds({ UNIK_SOURCE_WATCH_IDLE: '20' })).toBe(20);
    expect(watchIdleSeconds({ UNIK_SOURCE_WATCH_IDLE: '-1' })).toBe(600);
  });
});
