#!/usr/bin/env node
// Bundles unik into dist/ with esbuild. tsc only type-checks (npm run build runs it first).
// The CLI is one CommonJS file, dist/cli/unik.cjs, started by dist/cli/main.cjs (cli/bin.ts) through V8's code
// cache: CommonJS because Node 20 can code-cache only scripts, and one file because resolving and linking ES
// modules cost `unik run` more than all its own work. Each command's modules still run only when it runs (esbuild
// wraps what main.ts imports lazily). The detached supervisor and Unikraft's fetch shim are ES modules as before.
// Two things are compiled here, once, instead of on every run: the manifest's schema validator (ajv's standalone
// code: the CLI never loads or compiles ajv) and the templates (Handlebars.precompile: only its runtime loads).
import { build } from 'esbuild';
import { chmod, readdir, readFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entryPoints = [
  'run/supervisor.ts', // owner of a detached guest (spawned by `unik run --detach`)
  'targets/unikraft/fetch-shim.ts', // Unikraft's $(WGET) stand-in
  'sources/watcher-main.ts', // the watcher of a framework checkout (started by a build)
];
// ASCII output: the code-cache loader reads bundles as latin1, which decodes ASCII exactly and fastest.
const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning', charset: 'ascii' };
/** How Node itself wraps a CommonJS module: lib/code-cache.ts's runWithCodeCache calls what the bundle evaluates to. */
const COMMONJS_WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

// CommonJS dependencies (commander, handlebars' loader, ajv's runtime helpers) require() node builtins; ESM
// output needs a real require for that.
const banner = { js: "import { createRequire as __unikRequire } from 'node:module'; const require = __unikRequire(import.meta.url);" };

// Scratch space inside the package, so modules built into it find their dependencies in node_modules.
await mkdir(join('node_modules', '.cache'), { recursive: true });
const scratch = await mkdtemp(join('node_modules', '.cache', 'unik-bundle-'));
/** One of unik's own modules built alone (its npm dependencies left external), to be imported here. */
async function builtModule(entry, external) {
  const out = join(scratch, `${entry.replace(/[/.]/g, '_')}.mjs`);
  await build({ ...common, banner, entryPoints: [entry], outfile: out, external });
  return out;
}

/** The validator as standalone ESM source, from manifest/schema-validator.ts's own Ajv setup. */
async function standaloneValidator() {
  const { schemaAjv, schema } = await import(pathToFileURL(resolve(await builtModule('manifest/schema-validator.ts', ['ajv']))).href);
  const ajv = schemaAjv({ code: { source: true, esm: true } });
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  return `${standaloneCode(ajv, ajv.compile(schema))}\nexport const validateSchema = validate;\n`;
}

/**
 * Every template (templates/.../*.hbs) precompiled into dist/templates.cjs over Handlebars' runtime, keyed
 * "<framework>/<file>" as renderTemplate asks; and the module that loads it on the first render.
 */
async function precompiledTemplates() {
  const handlebars = createRequire(import.meta.url)('handlebars');
  const { TEMPLATE_OPTIONS } = await import(pathToFileURL(resolve(await builtModule('lib/templates.ts', ['handlebars']))).href);
  const entries = [];
  for (const f of (await readdir('templates', { recursive: true })).filter((f) => f.endsWith('.hbs')).sort()) {
    const key = relative('templates', join('templates', f)).slice(0, -'.hbs'.length);
    entries.push(`  ${JSON.stringify(key)}: Handlebars.template(${handlebars.precompile(await readFile(join('templates', f), 'utf8'), TEMPLATE_OPTIONS)}),`);
  }
  const table = `const Handlebars = require('handlebars/runtime');\nmodule.exports = {\n${entries.join('\n')}\n};\n`;
  // Wrapped like the CLI bundle and run through the same code cache: compiling Handlebars' runtime and the
  // templates cost a cached `unik build` ~10 ms.
  const wrap = { banner: { js: COMMONJS_WRAPPER }, footer: { js: '\n})' }, minifyWhitespace: true, minifySyntax: true };
  await build({ ...common, ...wrap, format: 'cjs', stdin: { contents: table, resolveDir: resolve('.'), loader: 'js' }, outfile: join('dist', 'templates.cjs') });
  return [
    "import { join } from 'node:path';",
    "import { runWithCodeCache } from './lib/code-cache.ts';",
    "import { packageRoot } from './lib/package-root.ts';",
    'let table;',
    "export const precompiledTemplate = (key) => (table ??= runWithCodeCache(join(packageRoot(), 'dist', 'templates.cjs'), process.argv[2] ?? ''))[key];",
  ].join('\n');
}

/**
 * lib/own-file-stamp.ts with its table filled: the stamp of every file unik compiles on the user's machine
 * (machine/host, machine/guest), so a start reads and hashes none of them.
 */
async function ownFileStampSource() {
  const { quickHash } = await import(pathToFileURL(resolve(await builtModule('lib/quick-hash.ts', []))).href);
  const stamps = {};
  for (const dir of ['machine/host', 'machine/guest'])
    for (const f of (await readdir(dir)).sort()) stamps[`${dir}/${f}`] = quickHash(await readFile(join(dir, f)));
  const source = await readFile(join('lib', 'own-file-stamp.ts'), 'utf8');
  const empty = 'const PRECOMPUTED: Record<string, string> = {};';
  if (!source.includes(empty)) throw new Error(`lib/own-file-stamp.ts no longer holds "${empty}"`);
  return source.replace(empty, `const PRECOMPUTED: Record<string, string> = ${JSON.stringify(stamps)};`);
}

const { version } = JSON.parse(await readFile('package.json', 'utf8'));
await rm('dist', { recursive: true, force: true });
const [validatorSource, templatesSource, stampsSource] = [await standaloneValidator(), await precompiledTemplates(), await ownFileStampSource()];
const precompiled = {
  name: 'precompiled',
  setup(b) {
    const as = (contents) => () => ({ contents, loader: 'js', resolveDir: resolve('.') });
    b.onLoad({ filter: /[\\/]manifest[\\/]schema-validator\.ts$/ }, as(validatorSource));
    b.onLoad({ filter: /[\\/]lib[\\/]precompiled-templates\.ts$/ }, as(templatesSource));
    b.onLoad({ filter: /[\\/]lib[\\/]own-file-stamp\.ts$/ }, () => ({ contents: stampsSource, loader: 'ts', resolveDir: resolve('lib') }));
    // The version as a constant: reading package.json cost every start (--help included) a file read.
    b.onLoad({ filter: /[\\/]lib[\\/]version\.ts$/ }, as(`export const unikVersion = () => ${JSON.stringify(version)};`));
  },
};

await rm(scratch, { recursive: true, force: true });
await build({
  ...common,
  banner,
  entryPoints,
  outbase: '.',
  outdir: 'dist',
  splitting: true,
  // Everything is bundled except the chart renderer, which only --chart loads.
  external: ['vega', 'vega-lite'],
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [precompiled],
});

// CommonJS has no import.meta: the bundle's own file URL stands in for it, made only when asked for (node:url's
// first use costs a start several milliseconds).
const cjs = {
  ...common,
  format: 'cjs',
  define: { 'import.meta.url': '__unikMeta.url' },
  banner: { js: "const __unikMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
};
// The CLI bundle lies at dist/cli/, two floors below the package root: no search for package.json per start.
const besideRoot = {
  name: 'package-root',
  setup(b) {
    const contents = "export const packageRoot = () => require('node:path').resolve(__dirname, '..', '..');";
    b.onLoad({ filter: /[\\/]lib[\\/]package-root\.ts$/ }, () => ({ contents, loader: 'js' }));
  },
};
// The chart renderer (vega, several MB) is a bundle of its own beside the CLI, required only by --chart.
const chartApart = {
  name: 'chart-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]bench[\\/]chart\.js$/ }, () => ({ path: './chart.cjs', external: true }));
  },
};
// yaml and execa (with execa's dependencies) were half the CLI bundle, and `unik run IMAGE` uses neither: each is
// a bundle of its own beside the CLI (dist/cli/vendor-<name>.cjs), run through the same code cache when one of its
// exports is first used (not when a module importing it runs: a cached `unik build` whose manifest's YAML is
// remembered never loads yaml), so a start of `unik run` reads and deserialises half as much.
const VENDORED = ['yaml', 'execa'];
const exportNames = Object.fromEntries(await Promise.all(VENDORED.map(async (name) => [name, Object.keys(await import(name)).filter((k) => k !== 'default')])));
const vendorApart = {
  name: 'vendor-apart',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${VENDORED.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (a) => ({
      contents: [
        "const { runWithCodeCache } = require('./lib/code-cache.ts');",
        'let loaded;',
        `const load = () => (loaded ??= runWithCodeCache(require('node:path').join(__dirname, 'vendor-${a.path}.cjs'), process.argv[2] ?? ''));`,
        `for (const name of ${JSON.stringify(exportNames[a.path])}) Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });`,
      ].join('\n'),
      loader: 'js',
      resolveDir: resolve('.'),
    }));
  },
};
// commander requires node:child_process when it loads, for executable subcommands, which unik has none of; loading
// it (with net and stream) cost every start ~6 ms, `--help` and `--version` included. For commander it loads when
// first used instead.
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (a) => (/[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};
// No import() is left in these bundles (it becomes require): a script run through the code cache cannot import.
// Each file is written as the CommonJS function expression lib/code-cache.ts compiles, so a start hands V8 the
// text as read instead of copying it twice to wrap it; whitespace and syntax are minified (names kept) because
// every start reads the whole text.
const wrapped = {
  ...cjs,
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: `${COMMONJS_WRAPPER}${cjs.banner.js}` },
  footer: { js: '\n})' },
};
await build({ ...wrapped, entryPoints: ['cli/main.ts'], outfile: join('dist', 'cli', 'unik.cjs'), plugins: [precompiled, besideRoot, chartApart, vendorApart, lazyChildProcess] });
for (const name of VENDORED) {
  const stdin = { contents: `export * from '${name}';`, resolveDir: resolve('.'), loader: 'js' };
  await build({ ...wrapped, stdin, outfile: join('dist', 'cli', `vendor-${name}.cjs`) });
}
// vega-canvas's Node build awaits an optional native `canvas` at top level, which CommonJS cannot; unik draws SVG
// only and has no `canvas`, so its browser build (the same functions, returning null here) stands in.
const noCanvas = {
  name: 'no-canvas',
  setup(b) {
    b.onResolve({ filter: /^vega-canvas$/ }, () => ({ path: resolve('node_modules', 'vega-canvas', 'build', 'vega-canvas.browser.js') }));
  },
};
await build({ ...cjs, entryPoints: ['bench/chart.ts'], outfile: join('dist', 'cli', 'chart.cjs'), plugins: [noCanvas] });
await build({ ...cjs, entryPoints: ['cli/bin.ts'], outfile: join('dist', 'cli', 'main.cjs') });
// unik-runtime (the OCI runtime engines start once per create/start/state/kill/delete) is a bundle of its own,
// sharing nothing with the CLI's, run through the code cache like it by a small launcher; it lies two floors below
// the package root like the CLI. Only create and the monitor initialise the boot's modules.
await build({ ...wrapped, entryPoints: ['runtime/main.ts'], outfile: join('dist', 'runtime', 'unik-runtime-main.cjs'), plugins: [precompiled, besideRoot] });
await build({ ...cjs, entryPoints: ['runtime/bin.ts'], outfile: join('dist', 'runtime', 'unik-runtime.cjs') });
await chmod(join('dist', 'runtime', 'unik-runtime.cjs'), 0o755);
