import { UnikError } from '../lib/errors.js';
import { unikVersion } from '../lib/version.js';
import { ArgError, parseArgs, type Parsed } from './args.js';
import { deleteContainer, killContainer, ps, start, state } from './commands.js';
import { log } from './log.js';
import { passThrough } from './passthrough.js';
import { readSpec, type OciSpec } from './spec.js';
import { listIds, readRecord } from './state.js';

/** `features` (runc features, runtime-spec features.md): what a caller may rely on. */
const FEATURES = {
  ociVersionMin: '1.0.0',
  ociVersionMax: '1.0.2',
  hooks: ['prestart', 'createRuntime', 'poststart', 'poststop'],
  mountOptions: [],
  linux: { namespaces: ['network', 'ipc', 'uts', 'mount'], capabilities: [], cgroup: { v1: true, v2: true, systemd: false, systemdUser: false } },
};

const USAGE = `unik-runtime: an OCI runtime (runc's command line) that boots unik images as containers and hands
every other bundle to runc (--fallback PATH or UNIK_RUNTIME_FALLBACK to use crun).

usage: unik-runtime [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup] [--debug]
                    [--fallback RUNTIME] [--guest-network tap|user] COMMAND
commands: create --bundle B [--pid-file P] [--console-socket S] ID, start ID, state ID, kill ID [SIGNAL],
          delete [--force] ID, ps [--format json] ID, list, features, --version
`;

const specOr = (bundle: string): OciSpec | null => {
  try {
    return readSpec(bundle);
  } catch {
    return null;
  }
};

async function dispatch(p: Parsed): Promise<number> {
  const { global: g, command: c } = p;
  switch (c.name) {
    case 'version':
      process.stdout.write(`unik-runtime version ${unikVersion()}\nspec: 1.0.2\n`);
      return 0;
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'features':
      process.stdout.write(`${JSON.stringify(FEATURES, null, 2)}\n`);
      return 0;
    case 'list':
      process.stdout.write(['ID', ...listIds(g.root)].join('\n') + '\n');
      return 0;
    case 'create':
    case 'run': {
      const spec = readSpec(c.bundle);
      // Detection and the boot's preparation load most of unik: only create needs them (esbuild's lazy init).
      const { detect } = await import('./detect.js');
      const found = detect(c.bundle, spec);
      if (found.kind === 'other') return passThrough(p);
      if (c.name === 'run') throw new ArgError('run: a unik container is made with create and start (runc run is not implemented for unikernels)');
      const { create } = await import('./create.js');
      await create(g, c, spec, found, [process.execPath, process.argv[1]!, '--unik-monitor']);
      return 0;
    }
    default: {
      const rec = readRecord(g.root, c.id);
      if (!rec) return passThrough(p);
      switch (c.name) {
        case 'start':
          await start(g, c.id, specOr(rec.bundle));
          return 0;
        case 'state':
          process.stdout.write(`${state(g, c.id)}\n`);
          return 0;
        case 'kill':
          killContainer(g, c);
          return 0;
        case 'delete':
          await deleteContainer(g, c, specOr(rec.bundle));
          return 0;
        case 'ps':
          process.stdout.write(`${ps(g, c)}\n`);
          return 0;
        default:
          throw new ArgError(`${c.name}: not supported for a unikernel container (${rec.image})`);
      }
    }
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--unik-monitor') return (await import('./monitor.js')).monitor(argv[1]!);
  let p: Parsed | null = null;
  try {
    p = parseArgs(argv, process.env);
    log(p.global, 'debug', `unik-runtime ${argv.join(' ')}`);
    return await dispatch(p);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(p?.global ?? { log: null, logFormat: 'text', debug: false }, 'error', msg);
    if (e instanceof UnikError) return e.exitCode;
    return e instanceof ArgError ? 2 : 1;
  }
}

/** Run by runtime/bin.ts through V8's code cache. */
export const run = (): Promise<void> =>
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
