import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../manifest/load.js';
import { tmpTree } from '../helpers/tmp.js';

const base = `name: hello\ntarget: unikraft\nsources: [main.c]\n`;
const failing = (dir: string) => {
  try {
    loadManifest(dir);
  } catch (e) {
    return e as { message: string; exitCode: number };
  }
  throw new Error('expected a refusal');
};

describe('issue 23 item 4: unik.yaml follows the real-path rules of every other app path', () => {
  const SECRET = 'platform: "AKIA-super-secret-token-that-must-never-be-printed-0123456789"\n';

  it('a unik.yaml that is a symlink out of the app directory is refused without reading it', () => {
    const outside = tmpTree({ 'secret.yaml': base + SECRET });
    const app = tmpTree({ 'main.c': '' });
    symlinkSync(join(outside, 'secret.yaml'), join(app, 'unik.yaml'));
    const err = failing(app);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/unik\.yaml: expected a file inside the app directory, found a symlink that leads out of it to .*secret\.yaml$/);
    expect(err.message).not.toContain('secret-token');
  });

  it('a unik.yaml linked to a device or a directory is refused without reading it', () => {
    for (const target of ['/dev/zero', '/']) {
      const app = tmpTree({ 'main.c': '' });
      symlinkSync(target, join(app, 'unik.yaml'));
      expect(failing(app).message).toMatch(/expected a file inside the app directory|expected a unik manifest file/);
    }
  });

  it('a unik.yaml linked inside the app directory is fine', () => {
    const app = tmpTree({ 'main.c': '', 'conf/unik.yaml': base });
    symlinkSync('conf/unik.yaml', join(app, 'unik.yaml'));
    expect(loadManifest(app).name).toBe('hello');
  });

  it('errors never echo a long value in full', () => {
    const app = tmpTree({ 'main.c': '', 'unik.yaml': base + SECRET });
    const err = failing(app);
    expect(err.message).toMatch(/platform: expected .*, found string "AKIA-super-secret-token/);
    expect(err.message).not.toContain('0123456789');
    // A semantic check (sources) quotes its value just as short.
    const app2 = tmpTree({ 'unik.yaml': `name: hello\ntarget: unikraft\nsources: ["${'s'.repeat(500)}.c"]\n` });
    expect(failing(app2).message).toMatch(/sources\[0\]: expected an existing file, found "s{50,60}…", which does not exist$/);
  });
});

describe('issue 23 item 13: a YAML alias bomb is bad input (one line, exit 2)', () => {
  it('is refused before it expands', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const app = tmpTree({ 'main.c': '', 'unik.yaml': `${base}${bomb}\n` });
    const t0 = performance.now();
    const err = failing(app);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/unik\.yaml: expected plain YAML, found aliases that expand too far \(more than 100\)$/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('issue 23 item 8: manifest ready patterns run in linear time', () => {
  it.each([
    ['(a)\\\\1', 'a regular expression without backreferences or lookaround'],
    ['(?<=x)y', 'a regular expression without backreferences or lookaround'],
    ['(unclosed', 'a valid regular expression'],
  ])('ready %s is refused', (ready, expected) => {
    const app = tmpTree({ 'main.c': '', 'unik.yaml': `${base}ready: "${ready}"\n` });
    expect(failing(app).message).toContain(`ready: expected ${expected}`);
  });

  it('(a+)+$ is accepted: it cannot backtrack in the linear engine', () => {
    const app = tmpTree({ 'main.c': '' });
    writeFileSync(join(app, 'unik.yaml'), `${base}ready: "(a+)+$"\n`);
    expect(loadManifest(app).ready).toBe('(a+)+$');
  });
});
