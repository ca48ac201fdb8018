import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/** A detached instance's record with the given console log (as the supervisor leaves it). */
function plant(home: string, name: string): string {
  const dir = join(home, 'instances', `${name.padEnd(8, '0')}0001`);
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, 'console.log');
  writeFileSync(join(dir, 'instance.json'), JSON.stringify({
    id: `${name.padEnd(8, '0')}0001`, name, image: { id: 'aaaa00000001', name: 'app', target: 'unikraft' }, state: 'exited', pid: null,
    supervisorPid: null, supervisor: null, vmm: null, startedAt: new Date().toISOString(), exitedAt: null, exitCode: 0, how: 'halted',
    ports: [], accel: 'tcg', machine: 'microvm', bootMs: 1, readyMs: null, exitMs: 2, logPath, stderrTail: null, spec: {}, ready: null, readyHttp: null,
  }));
  return logPath;
}

describe('unik logs', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  // Multi-byte characters, quotes, backslashes and control bytes, some straddling the 64 KiB read blocks.
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i} "é€😀" \\ \t\x01 ${'x'.repeat(i % 97)}\n`).join('');

  beforeAll(() => writeFileSync(plant(home, 'small'), text));

  it('--json is the whole log as one exact JSON string', async () => {
    const res = await unik(['logs', 'small', '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ id: 'small0000001', name: 'small', state: 'exited', log: text });
  });

  it('--tail N starts with the last N lines, plain and --json', async () => {
    const last3 = text.split('\n').slice(-4).join('\n');
    expect((await unik(['logs', 'small', '--tail', '3'], { ...env })).stdout).toBe(last3.trimEnd());
    expect(JSON.parse((await unik(['logs', 'small', '--tail', '3', '--json'], env)).stdout).log).toBe(last3);
    expect(JSON.parse((await unik(['logs', 'small', '-n', '0', '--json'], env)).stdout).log).toBe('');
    expect(JSON.parse((await unik(['logs', 'small', '--tail', '999999', '--json'], env)).stdout).log).toBe(text);
    const bad = await unik(['logs', 'small', '--tail', 'ten'], env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--tail: expected a whole number from 0 to 1000000000, found "ten"');
  });
});

/** Peak resident memory of `unik logs ...` while its reader does not read for a while, then the bytes it wrote. */
async function peakWhileStalled(args: string[], env: Record<string, string>): Promise<{ peakMiB: number; bytes: number; head: string; end: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const sample = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8').toString());
    if (m) peak = Math.max(peak, Number(m[1]) / 1024);
  };
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      sample();
    } catch {
      break;
    }
  }
  let head = '';
  let end = '';
  let bytes = 0;
  child.stdout.on('data', (c: Buffer) => {
    bytes += c.length;
    if (head.length < 200) head += c.toString();
    end = (end + c.toString()).slice(-40);
  });
  const timer = setInterval(() => {
    try {
      sample();
    } catch {
      clearInterval(timer);
    }
  }, 100);
  await new Promise((r) => child.on('close', r));
  clearInterval(timer);
  return { peakMiB: peak, bytes, head, end };
}

describe('unik logs of a large console, read slowly', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const SIZE = 128 * 1024 * 1024;

  beforeAll(async () => {
    const ws = createWriteStream(plant(home, 'big'));
    const block = Buffer.from('guest console output, line after line, for a long time\n'.repeat(1200));
    for (let n = 0; n < SIZE; n += block.length) if (!ws.write(block)) await new Promise((r) => ws.once('drain', r));
    await new Promise((r) => ws.end(r));
  }, 60_000);

  // Before streaming, plain logs queued the whole file for the pipe and --json built it as one string.
  it.each([[[]], [['--json']]])('holds a bounded amount in memory (args %j)', async (extra) => {
    const { peakMiB, bytes, head, end } = await peakWhileStalled(['logs', 'big', ...extra], env);
    expect(bytes).toBeGreaterThanOrEqual(SIZE);
    if (extra.length) {
      expect(head).toMatch(/^\{\n  "id": "big000000001",\n  "name": "big",\n  "state": "exited",\n  "log": "guest console output/);
      expect(end).toMatch(/for a long time\\n"\n\}\n$/);
    }
    expect(peakMiB).toBeLessThan(110);
  }, 120_000);
});
