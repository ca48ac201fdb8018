import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../manifest/load.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

describe('unik init', () => {
  it.each([
    ['unikraft', ['main.c', 'unik.yaml']],
    ['osv', ['main.c', 'unik.yaml']],
    ['mirage', ['unik.yaml', 'unikernel.ml']],
  ])('--target %s writes a starter whose manifest validates', async (target, files) => {
    const dir = join(tmpTree(), 'My_App 2');
    const res = await unik(['init', dir, '--target', target, '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ name: 'my-app-2', target });
    expect(readdirSync(dir).sort()).toEqual(files);
    const m = loadManifest(dir);
    expect(m).toMatchObject({ name: 'my-app-2', target });
    // Its header points at what exists in unik's package: the README's section and the schema file.
    const header = readFileSync(join(dir, 'unik.yaml'), 'utf8').split('\n')[0]!;
    const [, section, schema] = /README\.md, "([^"]+)".*schema: (\S+)/.exec(header)!;
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`## ${section!.replace('unik.yaml', '`unik.yaml`')}`);
    expect(existsSync(join(ROOT, schema!))).toBe(true);
    expect(readFileSync(m.sources[0]!, 'utf8')).toContain('Hello from my-app-2');
  });

  it('never overwrites, and rejects unknown targets and unsafe names with exit 2', async () => {
    const dir = tmpTree({ 'unik.yaml': 'name: x\n' });
    expect((await unik(['init', dir])).exitCode).toBe(2);
    expect(readFileSync(join(dir, 'unik.yaml'), 'utf8')).toBe('name: x\n');
    const bad = await unik(['init', join(tmpTree(), 'a'), '--target', 'xen']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--target: expected one of unikraft, osv, mirage');
    expect((await unik(['init', join(tmpTree(), 'a'), '--name', 'Bad;Name'])).stderr).toContain('--name: expected');
  });
});
