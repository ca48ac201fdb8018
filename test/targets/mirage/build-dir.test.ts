import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetOtherToolchain } from '../../../targets/mirage/build.js';
import { tmpTree } from '../../helpers/tmp.js';

describe('forgetOtherToolchain', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps _build/ for the toolchain that built it and drops it for any other (dune does not see a new Solo5 bindings object)', async () => {
    dir = tmpTree({ '_build/default/main.exe': 'old link' });
    const built = join(dir, '_build', 'default', 'main.exe');
    await forgetOtherToolchain(dir, { 'mirage-toolchain': 'aaaa' });
    expect(existsSync(built)).toBe(false);
    tmpTreeInto(built);
    await forgetOtherToolchain(dir, { 'mirage-toolchain': 'aaaa' });
    expect(existsSync(built)).toBe(true);
    await forgetOtherToolchain(dir, { 'mirage-toolchain': 'bbbb' });
    expect(existsSync(built)).toBe(false);
  });
});

/** Put a file back where a build would write it. */
function tmpTreeInto(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, 'new link');
}
