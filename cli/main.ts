import { Command, CommanderError } from 'commander';
import { setupScript } from '../lib/setup-script.js';
import { unikVersion } from '../lib/version.js';
import { writeOut } from './stdout.js';

/**
 * Only commander loads up front; each command's module (and with it execa, handlebars, ajv, ...) is imported
 * when that command runs, so `unik --help` stays fast.
 */
const program = new Command('unik')
  .description('Build apps into real unikernels (Unikraft, MirageOS, OSv), boot them in QEMU, and benchmark them against containers.')
  .version(unikVersion())
  .exitOverride()
  .configureOutput({ writeOut })
  .addHelpText('after', () => `\nFirst time? \`unik setup\` installs the packages, sources and toolchains (it runs ${setupScript()}).\n`);

type Module = Record<string, unknown>;
/** Literal import() calls, so the bundler can split each command into its own chunk. */
const lazy =
  (load: () => Promise<Module>, fn: string) =>
  async (...args: unknown[]): Promise<void> => {
    const m = (await load()) as Record<string, (...a: unknown[]) => Promise<void>>;
    await m[fn]!(...args);
  };

const collect = (v: string, prev: string[]) => [...prev, v];

/** The flags of every command that talks to a registry. */
const registryFlags = (cmd: Command): Command =>
  cmd
    .option('--creds <user:password>', 'registry credentials; "-" reads them from stdin (or set UNIK_REGISTRY_CREDS; default: REGISTRY_AUTH_FILE or ~/.docker/config.json)')
    .option('--cert-dir <dir>', 'directory holding the registry\'s CA certificate (*.crt)')
    .option('--insecure', 'allow plain HTTP or unverified TLS for a registry that is not on loopback');

/** Each command's wiring, by the word a user types for it. */
const commands: Record<string, (program: Command) => unknown> = {
  init: (program) =>
    program
      .command('init')
      .description('create unik.yaml and a starter app in DIR, or translate a project made for kraft, OSv or mirage (--from)')
      .argument('[dir]', 'app directory', '.')
      .option('--name <name>', 'image name (default: the directory name)')
      .option('--target <target>', 'unikraft | mirage | osv (default unikraft)')
      .option('--from <project>', 'translate a Kraftfile, OSv module or MirageOS config.ml project into unik.yaml beside it')
      .option('--force', 'with --from: replace an existing unik.yaml')
      .option('--json', 'print the result as JSON')
      .action(lazy(() => import('./commands/init.js'), 'initCommand')),

  build: (program) =>
    program
      .command('build')
      .description('build the app in DIR (default .) into a unikernel image')
      .argument('[dir]', 'app directory holding unik.yaml', '.')
      .option('--platform <platform>', 'override the manifest platform')
      .option('--no-cache', 'rebuild even when a stored image matches')
      .option('--json', 'print the image record as JSON')
      .action(lazy(() => import('./commands/build.js'), 'buildCommand')),

  images: (program) =>
    program
      .command('images')
      .description('list built images')
      .option('--json', 'print a JSON array')
      .action(lazy(() => import('./commands/images.js'), 'imagesCommand')),

  inspect: (program) =>
    program
      .command('inspect')
      .description('show one image record')
      .argument('<image>', 'image id, id prefix, name or pulled REF')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/images.js'), 'inspectCommand')),

  rmi: (program) =>
    program
      .command('rmi')
      .description('remove images from the store')
      .argument('<image...>', 'image ids, id prefixes, names or pulled REFs')
      .option('-f, --force', 'also an image a running instance uses (it keeps running)')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/images.js'), 'rmiCommand')),

  push: (program) =>
    registryFlags(
      program
        .command('push')
        .description('package an image as an OCI image and push it to a registry')
        .argument('<image>', 'image id, id prefix or name')
        .argument('<ref>', 'REGISTRY/REPOSITORY:TAG, e.g. 127.0.0.1:5000/team/hello:1.0'),
    )
      .option('--json', 'print {ref, digest, image, blobs}')
      .action(lazy(() => import('./commands/push.js'), 'pushCommand')),

  pull: (program) =>
    registryFlags(
      program
        .command('pull')
        .description('pull a unik image from a registry into the store (every blob and file verified first)')
        .argument('<ref>', 'REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]'),
    )
      .option('--json', 'print {ref, digest, image}')
      .action(lazy(() => import('./commands/pull.js'), 'pullCommand')),

  export: (program) =>
    program
      .command('export')
      .description('write an image as an OCI image layout archive, for hosts without a registry')
      .argument('<image>', 'image id, id prefix, name or pulled REF')
      .option('-o, --output <file.tar>', 'the archive to write')
      .option('--json', 'print {file, digest, bytes, image}')
      .action(lazy(() => import('./commands/export.js'), 'exportCommand')),

  import: (program) =>
    program
      .command('import')
      .description('store the image of an OCI image layout archive (from unik export or skopeo oci-archive:)')
      .argument('<file>', 'the archive (.tar)')
      .option('--json', 'print {digest, image}')
      .action(lazy(() => import('./commands/import.js'), 'importCommand')),

  run: (program) =>
    registryFlags(program
      .command('run')
      .description('boot an image (or build DIR first, or pull REF first) in QEMU and measure its start')
      .argument('[dir-or-image]', 'app directory, image id/name or REF', '.')
      .argument('[args...]', 'app arguments (after --)')
      .option('--accel <accel>', 'auto | kvm | tcg (auto probes KVM once and falls back to TCG)', 'auto')
      .option('--platform <platform>', 'build or pick the image for this platform (mirage: spt, virtio, hvt)')
      .option('--memory <size>', 'guest memory, e.g. 64M')
      .option('-p, --publish <host:guest>', 'publish a guest port on 127.0.0.1 (repeatable)', collect, [])
      .option('-v, --volume <dir:/path>', 'share a host directory over 9p (repeatable)', collect, [])
      .option('--disk <file>', 'attach FILE as the image\'s block device')
      .option('--timeout <duration>', 'stop the guest after e.g. 10s')
      .option('-d, --detach', 'run in the background; see unik ps/logs/stop/rm')
      .option('--name <name>', 'instance name for --detach (unique)')
      .option('--ready-http <url>', 'ready = first 2xx from URL')
      .option('--dry-run', 'print the QEMU/tender command line instead of starting it')
      .option('--stop-when-ready', 'stop the guest once ready (measures a server\'s start)')
      .option('--snapshot', 'continue from the image\'s snapshot taken once ready; the first run boots and saves it (QEMU only)')
      .option('--remeasure-floor', 'measure the VMM floor (QEMU with a guest that exits at once) again instead of using the cached one')
      .option('--rm', 'remove the instance once it exits (with --detach; a foreground run leaves none)')
      .option('-i, --interactive', 'send stdin to the guest\'s serial console')
      .option('-t, --tty', 'accepted for docker\'s -it: the console already is the terminal')
      .option('--json', 'print the measurements as JSON'))
      .action(lazy(() => import('./commands/run.js'), 'runCommand')),

  ps: (program) =>
    program
      .command('ps')
      .description('list running background instances')
      .option('-a, --all', 'exited ones too')
      .option('-q, --quiet', 'print only their ids')
      .option('--json', 'print a JSON array')
      .action(lazy(() => import('./commands/instances.js'), 'psCommand')),

  logs: (program) =>
    program
      .command('logs')
      .description('print an instance\'s console')
      .argument('<instance>', 'instance id or name')
      .option('-f, --follow', 'keep printing until it exits')
      .option('-n, --tail <lines>', 'start with the last N lines')
      .option('--json', 'print {id, name, state, log} (no --follow)')
      .action(lazy(() => import('./commands/instances.js'), 'logsCommand')),

  stop: (program) =>
    program
      .command('stop')
      .description('stop background instances')
      .argument('<instance...>', 'instance ids or names')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/instances.js'), 'stopCommand')),

  rm: (program) =>
    program
      .command('rm')
      .description('remove exited instances and their console logs')
      .argument('<instance...>', 'instance ids or names')
      .option('-f, --force', 'stop it first if it runs')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/instances.js'), 'rmCommand')),

  prune: (program) =>
    program
      .command('prune')
      .description('remove stopped instances, replaced images, unused build directories and stale scratch files; says how much first')
      .option('-f, --force', 'do not ask (without a terminal, or with --json, nothing is removed without it)')
      .option('--json', 'print {removed, freedBytes, items}')
      .action(lazy(() => import('./commands/prune.js'), 'pruneCommand')),

  sources: (program) => {
    const sources = program.command('sources').description('framework sources unik builds from');
    sources
      .command('list', { isDefault: true })
      .description('list known sources and cached archives')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/sources.js'), 'sourcesListCommand'));
    sources
      .command('add')
      .description('clone a framework source into the cache (default location: upstream; default ref: pinned)')
      .argument('<name>', 'source name (see "unik sources list")')
      .argument('[location]', 'git URL or local checkout')
      .option('--ref <ref>', 'tag, branch or commit')
      .option('--mirrors <dir>', 'clone it and its submodules from DIR/<name> or DIR/<owner>+<repo>/repo (default: $UNIK_SOURCES_FROM)')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/sources.js'), 'sourcesAddCommand'));
    sources
      .command('add-archive')
      .description('put a library archive a build downloads into the offline cache')
      .argument('<url>', 'the URL the framework build fetches')
      .argument('<file>', 'the archive file')
      .option('--sha256 <hex>', 'refuse the file unless its checksum matches')
      .option('--force', 'replace the checksum already pinned for this URL')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/sources.js'), 'sourcesAddArchiveCommand'));
  },

  toolchain: (program) => {
    const toolchain = program.command('toolchain').description('toolchains unik builds itself (MirageOS: Solo5, ocaml-solo5, mirage, the duniverse seed)');
    toolchain
      .command('install')
      .description('build a toolchain from the pinned sources in the cache (offline; a second run does nothing)')
      .argument('<name>', 'mirage')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/toolchain.js'), 'toolchainInstallCommand'));
    toolchain
      .command('list', { isDefault: true })
      .description('installed toolchains and what they were built from')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/toolchain.js'), 'toolchainListCommand'));
    toolchain
      .command('remove')
      .description('remove a toolchain unik installed')
      .argument('<name>', 'mirage')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/toolchain.js'), 'toolchainRemoveCommand'));
  },

  bench: (program) =>
    program
      .command('bench')
      .description('boot the app in DIR (or a stored image or pulled REF) as a unikernel and as a container twin, and compare times and footprint')
      .argument('[dir]', 'app directory holding unik.yaml, or image id/name/REF', '.')
      .option('--runs <n>', 'measured runs per runtime', '20')
      .option('--warmup <n>', 'warm-up runs per runtime, not counted', '2')
      .option('--runtimes <list>', 'comma-separated, from unikernel,runc,crun,podman,docker,unik-runtime (default: every one found but unik-runtime)')
      .option('--platform <platform>', 'build the unikernel for this platform (mirage: spt, virtio, hvt)')
      .option('--json', 'print the results as JSON')
      .option('--csv <file>', 'also write the results as CSV')
      .option('--chart <file.svg>', 'also draw a bar chart (SVG)')
      .option('--density <n,...>', 'start N instances of an HTTP image at once (each on its own port): time until all answer 200, memory (PSS)')
      .option('--snapshot', 'also time restores of the image\'s snapshot (with --density: restored instances)')
      .action(lazy(() => import('./commands/bench.js'), 'benchCommand')),

  setup: (program) =>
    program
      .command('setup')
      .description(`install what unik needs (Debian packages, framework sources, the MirageOS toolchain): runs ${setupScript()}`)
      .option('--mirrors <dir>', 'take the sources from local clones or bare mirrors in DIR (UNIK_SOURCES_FROM)')
      .option('--json', 'print {script, exitCode}; the script\'s output goes to stderr')
      .action(lazy(() => import('./commands/setup.js'), 'setupCommand')),

  doctor: (program) =>
    program
      .command('doctor')
      .description('check QEMU, KVM, compilers and framework sources, with fixes')
      .option('--json', 'print JSON')
      .action(lazy(() => import('./commands/doctor.js'), 'doctorCommand')),
};

// Wiring every command costs each start a few milliseconds; a command runs with only its own. --help, --version,
// `help` and an unknown word (commander suggests the nearest command) get them all.
const typed = process.argv[2];
for (const [word, wire] of Object.entries(commands)) if (!typed || !Object.hasOwn(commands, typed) || word === typed) wire(program);

async function main(): Promise<void> {
  // Once nothing is left to do, exit at once: Node's own teardown frees the heap a mapping at a time (some 100
  // munmap calls, several ms under nested paging here), which no command needs. stdout and stderr are
  // synchronous for files, pipes and terminals on Linux, so nothing written is lost.
  process.once('beforeExit', () => process.exit());
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other parse problem is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const { reportError } = await import('./report-error.js');
    process.exitCode = reportError(err, process.argv.includes('--json'));
  }
}

void main();
