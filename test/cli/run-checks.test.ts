import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { putImage } from '../../images/store.js';
import { layout } from '../../lib/home.js';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/**
 * What `unik run` checks before it starts anything, seen through --dry-run (nothing boots, so these need no
 * QEMU): the --ready-http target, the --timeout range and the image's files.
 */
describe('unik run checks before starting', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  let image: ImageRecord;

  beforeAll(async () => {
    image = await putImage(layout(home), join(tmpTree({ k: 'a kernel' }), 'k'), {}, {
      id: 'bbbb00000001', name: 'web', target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [], buildSeconds: 1,
      sources: [], frameworkVersion: null, createdAt: new Date().toISOString(), appDir: '/src/web', cacheKey: 'k', bootSettings: {},
      run: {
        devices: { console: true, net: { ports: [{ host: 8080, guest: 80, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24 }, block: [], share: [] },
        cmdline: [], memoryMiB: 64, ready: null,
      },
    });
  });

  const dry = (...flags: string[]) => unik(['run', image.id, '--dry-run', '--accel', 'tcg', ...flags], env);

  it('--ready-http on a published loopback port is fine', async () => {
    const res = await dry('--ready-http', 'http://127.0.0.1:8080/');
    expect(res.exitCode, res.stderr).toBe(0);
  });

  it.each([
    ['another host', 'http://10.0.2.15:8080/', 'an http:// URL on a loopback address'],
    ['the cloud metadata service', 'http://169.254.169.254/', 'an http:// URL on a loopback address'],
    ['a loopback port this run does not publish', 'http://127.0.0.1:22/', "a URL on one of this run's published ports (8080)"],
  ])('--ready-http to %s is refused with exit 2', async (_label, url, expected) => {
    const res = await dry('--ready-http', url);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^unik: --ready-http: expected [^\n]*$/);
    expect(res.stderr).toContain(expected);
    expect(res.stderr).toContain(JSON.stringify(url));
  });

  it.each(['36000m', '99999999999999999999s', '0.4ms'])('--timeout %s is refused with exit 2', async (t) => {
    const res = await unik(['run', image.id, '--timeout', t, '--accel', 'tcg'], env);
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe(`unik: --timeout: expected a duration from 1ms to 24h like 500ms, 10s or 2m, found "${t}"`);
  });

  it('a kernel garbled since it was stored is named, with how to rebuild it, and never started (exit 1)', async () => {
    writeFileSync(image.path, 'a kernEl');
    const res = await dry();
    expect(res.exitCode).toBe(1);
    expect(res.stderr.trim()).toMatch(new RegExp(`^unik: image web \\(bbbb00000001\\): ${image.path} is corrupt \\(sha256 [0-9a-f]{16}…, stored as [0-9a-f]{16}…\\); rebuild it with "unik build /src/web"$`));
    expect(res.stdout).toBe('');
  });
});
