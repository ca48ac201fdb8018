import type { ErrorObject } from 'ajv';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { usageError } from '../lib/errors.js';
import { readyProblem } from '../lib/ready-pattern.js';
import { MEMORY_EXPECTED, memoryMiB } from '../lib/units.js';
import { PLATFORMS, type Manifest, type PortMapping, type RawManifest } from './manifest.js';
import { displayPath as display, manifestError, shortValue } from './errors.js';
import { duplicateHostPort, parsePort } from './ports.js';
import { validateSchema } from './schema-validator.js';
import { recallYaml, rememberYaml } from './yaml-memo.js';
import { checkShareDests } from './share-dest.js';
import { libraryFiles } from './libraries.js';
import { appOrHostPath, checkEnv, checkFiles, isKind, programKeysUnsupported, type PathKind } from './program.js';

export const MANIFEST_FILE = 'unik.yaml';
/** A manifest is a few hundred bytes; anything near this is not one. */
const MANIFEST_MAX_BYTES = 256 * 1024;
/** yaml's default; named, so the message can say it. */
const MAX_ALIASES = 100;

/** Pure: whether `to` lies outside directory `from`. */
const escapes = (from: string, to: string) => {
  const r = relative(from, to);
  return r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..');
};

/** Read and validate `dir/unik.yaml`. Every problem becomes ONE line naming the field; exit code 2. */
export function loadManifest(dir: string): Manifest {
  const appDir = resolve(dir);
  const manifestPath = join(appDir, MANIFEST_FILE);
  const where = display(manifestPath);
  let real: string;
  try {
    real = realpathSync(manifestPath);
  } catch {
    throw usageError(`${where}: expected a unik manifest, found no readable file (run "unik init" to create one)`);
  }
  // The manifest obeys the rules of every other path of the app: a link that leads out of the app directory
  // (to a secret, or to /dev/zero) is never read, so no error can echo what such a file holds.
  const realDir = realpathSync(appDir);
  if (escapes(realDir, real)) {
    throw usageError(`${where}: expected a file inside the app directory, found a symlink that leads out of it to ${real}`);
  }
  const st = statSync(real);
  if (!st.isFile()) throw usageError(`${where}: expected a unik manifest file, found something else at ${real}`);
  if (st.size > MANIFEST_MAX_BYTES) throw usageError(`${where}: expected a manifest of at most ${MANIFEST_MAX_BYTES / 1024} KiB, found ${st.size} bytes`);
  let text: string;
  try {
    text = readFileSync(real, 'utf8');
  } catch {
    throw usageError(`${where}: expected a unik manifest, found no readable file (run "unik init" to create one)`);
  }
  return parseManifest(text, appDir, manifestPath);
}

export function parseManifest(text: string, appDir: string, manifestPath = join(appDir, MANIFEST_FILE)): Manifest {
  const where = display(manifestPath);
  const raw = recallYaml(text)?.value ?? parseYaml(text, where);
  if (!validateSchema(raw)) throw usageError(`${where}: ${schemaMessage(validateSchema.errors![0]!, raw)}`);
  return semantic(raw, appDir, manifestPath);
}

/** The YAML text as plain data (remembered for the next start), or the one line saying why it is not YAML. */
function parseYaml(text: string, where: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    const at = pos ? `:${pos.line}:${pos.col}` : '';
    throw usageError(`${where}${at}: expected valid YAML, found a syntax error (${e.message.split('\n')[0]})`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // yaml refuses an alias bomb (aliases that expand exponentially) while converting: that is bad input too.
    throw usageError(`${where}: expected plain YAML, found ${/alias/i.test((e as Error).message) ? `aliases that expand too far (more than ${MAX_ALIASES})` : 'a document it cannot convert'}`);
  }
  rememberYaml(text, raw);
  return raw;
}

function semantic(raw: RawManifest, givenDir: string, manifestPath: string): Manifest {
  // The app directory by its real path: the one every path of the app is resolved and judged against.
  const appDir = realpathSync(givenDir);
  const fail = (field: string, expected: string, found: string) => manifestError(manifestPath, field, expected, found);

  const platforms: readonly string[] = PLATFORMS[raw.target];
  if (raw.platform && !platforms.includes(raw.platform)) {
    throw fail('platform', `one of ${platforms.join(', ')} for target ${raw.target}`, shortValue(raw.platform));
  }
  if (raw.fs && raw.target !== 'osv') throw fail('fs', 'no fs key (it applies to target osv only)', shortValue(raw.fs));
  if (raw.libc && raw.target !== 'unikraft') throw fail('libc', 'no libc key (it applies to target unikraft only)', shortValue(raw.libc));
  if (raw.packages && raw.target !== 'mirage') throw fail('packages', 'no packages key (it applies to target mirage only)', shortValue(raw.packages));
  if (raw.libraries && raw.target !== 'mirage') throw fail('libraries', 'no libraries key (it applies to target mirage only)', shortValue(raw.libraries));

  // Paths are judged by where they really lead: every symlink on the way (the file, or any directory above
  // it) is resolved, so a link to /etc or / in an app repo cannot pass for a file of the app. What QEMU and
  // the build get is that resolved path.
  const inside = (field: string, rel: string, kind: PathKind): string => {
    const abs = resolve(appDir, rel);
    if (relative(appDir, abs) === '' && kind !== 'directory') throw fail(field, `a ${kind} inside the app directory`, shortValue(rel));
    if (escapes(appDir, abs)) throw fail(field, `a path inside the app directory`, `${shortValue(rel)}, which escapes it`);
    let real;
    try {
      real = realpathSync(abs);
    } catch {
      throw fail(field, `an existing ${kind}`, `${shortValue(rel)}, which does not exist`);
    }
    if (escapes(appDir, real)) throw fail(field, `a path inside the app directory`, `${shortValue(rel)}, a symlink that leads out of it to ${real}`);
    if (!isKind(real, kind)) {
      throw fail(field, `a ${kind}`, `${shortValue(rel)}, which is not one`);
    }
    return real;
  };

  const rawSources = raw.sources ?? [];
  if (!raw.program && !rawSources.length) throw fail('sources', 'a value (the key is required unless program names an executable)', 'none');
  if (raw.program && raw.sources) throw fail('program', 'either program or sources, not both', shortValue(raw.program));
  const sources = [
    ...rawSources.map((s, i) => inside(`sources[${i}]`, s, 'file')),
    ...(raw.libraries ?? []).flatMap((lib, i) => libraryFiles(lib, inside(`libraries[${i}]`, lib, 'directory'), `libraries[${i}]`, inside, fail)),
  ];
  const dup = sources.findIndex((s, i) => sources.indexOf(s) !== i);
  if (dup >= 0) throw fail(`sources[${dup}]`, 'each source listed once', `${shortValue(rawSources[dup])} again`);
  const program = raw.program !== undefined ? { path: appOrHostPath('program', raw.program, 'file', inside, fail), given: raw.program } : undefined;
  const files = checkFiles(raw.files ?? {}, (field, p) => appOrHostPath(field, p, 'file or directory', inside, fail), fail);
  const env = checkEnv(raw.env ?? {}, fail);
  const unsupported = programKeysUnsupported(raw);
  if (unsupported) throw fail(unsupported.field, unsupported.expected, unsupported.found);

  let memory: number | undefined;
  if (raw.memory) {
    const mib = memoryMiB(raw.memory);
    if (mib === null) throw fail('memory', MEMORY_EXPECTED, shortValue(raw.memory));
    memory = mib;
  }

  if (raw.ready !== undefined) {
    const problem = readyProblem(raw.ready);
    if (problem) throw fail('ready', problem, shortValue(raw.ready));
  }

  const d = raw.devices ?? {};
  const ports: PortMapping[] = (d.net?.ports ?? []).map((p, i) => {
    const parsed = parsePort(p);
    if (!parsed) throw fail(`devices.net.ports[${i}]`, '"HOST:GUEST" with ports 1-65535', shortValue(p));
    return parsed;
  });
  const hostDup = duplicateHostPort(ports);
  if (hostDup >= 0) {
    throw fail(`devices.net.ports[${hostDup}]`, 'each host port published once', shortValue(d.net!.ports![hostDup]));
  }

  const block = (d.block ?? []).map((b, i) => ({ name: b.name, file: inside(`devices.block[${i}].file`, b.file, 'file') }));
  const blockDup = block.findIndex((b, i) => block.findIndex((c) => c.name === b.name) !== i);
  if (blockDup >= 0) throw fail(`devices.block[${blockDup}].name`, 'a name used once', shortValue(block[blockDup]!.name));

  const rawShares = d.share ?? [];
  const dests = checkShareDests(rawShares.map((s) => s.dest));
  if (!('ok' in dests)) throw fail(`devices.share[${dests.index}].dest`, dests.expected, shortValue(rawShares[dests.index]!.dest));
  const share = rawShares.map((s, i) => ({ source: inside(`devices.share[${i}].source`, s.source, 'directory'), dest: dests.ok[i]! }));

  return {
    name: raw.name,
    target: raw.target,
    ...(raw.platform ? { platform: raw.platform } : {}),
    sources,
    ...(program ? { program } : {}),
    files,
    env,
    forkUnused: raw.fork === 'unused',
    unresolved: raw.unresolved ?? [],
    cmdline: raw.cmdline ?? [],
    ...(memory !== undefined ? { memoryMiB: memory } : {}),
    ...(raw.fs ? { fs: raw.fs } : {}),
    ...(raw.ready !== undefined ? { ready: raw.ready } : {}),
    packages: raw.packages ?? [],
    libraries: raw.libraries ?? [],
    ...(raw.libc ? { libc: raw.libc } : {}),
    devices: { ...(d.net ? { net: { ports } } : {}), block, share },
    appDir,
    manifestPath,
  };
}

/** Turn the first schema violation into "field: expected X, found Y". */
function schemaMessage(err: ErrorObject, raw: unknown): string {
  const field = fieldPath(err.instancePath);
  const expected = (err.parentSchema as { 'x-expected'?: string } | undefined)?.['x-expected'];
  switch (err.keyword) {
    case 'required':
      return `${join2(field, err.params.missingProperty)}: expected a value, found none (the key is required)`;
    case 'additionalProperties': {
      const allowed = Object.keys((err.parentSchema as { properties?: object }).properties ?? {}).join(', ');
      return `${join2(field, err.params.additionalProperty)}: expected one of the known keys (${allowed}), found an unknown key`;
    }
    case 'type':
      return `${field || '(top level)'}: expected ${expected ?? err.params.type}, found ${describe(valueAt(raw, err.instancePath))}`;
    default:
      return `${field || '(top level)'}: expected ${expected ?? err.message}, found ${describe(valueAt(raw, err.instancePath))}`;
  }
}

const join2 = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list`;
  if (typeof v === 'object') return 'a map';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 60 ? s.slice(0, 57) + '..."' : s}`;
}

