import type { ResultPromise } from 'execa';
import { expect, it } from 'vitest';
import { waitFor } from '../helpers/procs.js';
import type { EngineImages } from './engine-images.js';

/** One `ENGINE run --rm` of an image with a container name and, optionally, the whole process argv; never throws. */
export type EngineRun = (ref: string, name: string, argv?: string[]) => Promise<{ exitCode?: number | undefined; stdout: string; stderr: string }>;

/** Pure: argv for an engine that prepends the image's Entrypoint (/unik/kernel) itself: without it. */
export const cmdOnly = (argv: string[] = []): string[] => (argv[0] === '/unik/kernel' ? argv.slice(1) : argv);

/**
 * The cases every engine must pass (issue 20, item 7): hello-unikraft, a non-zero exit code, hello-mirage on spt,
 * hello-osv, and a static binary FROM scratch handed to runc (imported as localhost/static-hello:1).
 */
export function sharedEngineCases(engine: string, img: EngineImages | null, run: EngineRun): void {
  it('hello-unikraft from the registry prints its greeting and exits 0', async () => {
    const r = await run(img!.refs.hello, 'hello1');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello, world! (from a unik-built unikernel)');
  }, 120_000);

  it(`a guest's non-zero exit code reaches ${engine}, whose arguments are the guest's`, async () => {
    // main's return value reaches the host through Unikraft patch 0002, as under `unik run`.
    const r = await run(img!.refs.exit, 'exit7', ['/unik/kernel', '7']);
    expect(r.stdout).toContain('main returns 7');
    expect(r.exitCode).toBe(7);
    const zero = await run(img!.refs.exit, 'exit0', ['/unik/kernel', '0']);
    expect(zero.exitCode, zero.stderr).toBe(0);
  }, 120_000);

  it.skipIf(!img?.refs.mirage)('hello-mirage runs on spt (the tender from the image, no VMM)', async () => {
    const r = await run(img!.refs.mirage!, 'mirage1');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello from MirageOS');
  }, 120_000);

  it.skipIf(!img?.refs.osv)('hello-osv runs', async () => {
    const r = await run(img!.refs.osv!, 'osv1');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello, world!');
  }, 180_000);

  it('a non-unik image (a static binary FROM scratch) passes through to runc unchanged', async () => {
    const ok = await run('localhost/static-hello:1', 'static1');
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('static hello');
    const three = await run('localhost/static-hello:1', 'static3', ['/hello', 'x']);
    expect(three.exitCode).toBe(3);
  }, 120_000);
}

/**
 * `-i` (issue 20): a line piped into `ENGINE run -i` of the read probe (engine-images.ts: readProbeRef) is echoed by
 * the guest, read from its serial console; the probe then idles, so the container is removed and no VMM is left.
 */
export function stdinCase(engine: string, io: { run: (name: string, input: string) => ResultPromise; remove: (name: string) => Promise<unknown>; vmms: () => Promise<number[]> }): void {
  it(`-i: the container's stdin reaches the guest's serial console (${engine})`, async () => {
    const running = io.run('read1', `typed into ${engine}\n`);
    let out = '';
    running.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const read = await waitFor(() => out.includes(`unik-probe: read typed into ${engine}`), 60_000);
    await io.remove('read1');
    await running;
    expect(read, out).toBe(true);
    expect(await waitFor(async () => (await io.vmms()).length === 0, 20_000)).toBe(true);
  }, 120_000);
}
