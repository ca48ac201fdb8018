import type { RawManifest } from '../manifest/manifest.js';
import { SEED_PACKAGES } from '../toolchains/mirage/duniverse.js';
import { appName } from './names.js';
import { parseConfigMl, type Expr } from './ocaml-config.js';
import { Report, untranslatable, type Place, type Project, type Translation } from './types.js';

const FILE = 'config.ml';
const at = (e: { line: number }) => ({ file: FILE, line: e.line });

/** Pure: a config.ml expression in OCaml-ish text, for report lines. */
function show(e: Expr): string {
  switch (e.k) {
    case 'str':
      return JSON.stringify(e.value);
    case 'id':
      return e.name;
    case 'unit':
      return '()';
    case 'list':
      return `[${e.items.map(show).join('; ')}]`;
    case 'arrow':
      return `${show(e.from)} @-> ${show(e.to)}`;
    case 'dollar':
      return `${show(e.fn)} $ ${show(e.arg)}`;
    case 'app':
      return [show(e.fn), ...Object.entries(e.labels).map(([k, v]) => `~${k}:${show(v)}`), ...e.args.map((a) => (a.k === 'app' || a.k === 'arrow' ? `(${show(a)})` : show(a)))].join(' ');
  }
}

/** Pure: every name an expression refers to. */
function idsIn(e: Expr): string[] {
  switch (e.k) {
    case 'id':
      return [e.name];
    case 'list':
      return e.items.flatMap(idsIn);
    case 'arrow':
      return [...idsIn(e.from), ...idsIn(e.to)];
    case 'dollar':
      return [...idsIn(e.fn), ...idsIn(e.arg)];
    case 'app':
      return [e.fn, ...e.args, ...Object.values(e.labels)].flatMap(idsIn);
    default:
      return [];
  }
}

/** Device types that exist in older mirage and carry no device in unik's mirage 4.10 config.ml. */
const DROPPED = new Set(['console', 'time', 'pclock', 'mclock', 'random']);

/** One argument of Unikernel.Main, as unik can (or cannot) pass it. */
type Device = { kind: 'net' } | { kind: 'block'; name: string } | { kind: 'kv'; dir: string } | { kind: 'dropped'; type: string };

/** mirage's read-only stores of a directory: each is unik's `files:` store (crunch) on Solo5. */
const KV_RO = new Set(['generic_kv_ro', 'crunch', 'direct_kv_ro']);

/** Pure: a device implementation (through let bindings) and its functor type → what unik makes of it. */
function device(type: string, impl: Expr, env: Map<string, Expr>): Device {
  const e = impl.k === 'id' && env.has(impl.name) ? env.get(impl.name)! : impl;
  // `if_impl Key.is_solo5 A B`: unik builds for Solo5 (spt, virtio, hvt), so A is the device.
  if (e.k === 'app' && show(e.fn) === 'if_impl' && e.args.length === 3 && show(e.args[0]!) === 'Key.is_solo5') return device(type, e.args[1]!, env);
  const text = show(e);
  if (type === 'stackv4v6' && /^generic_stackv4v6( ~\w+:\S+)* default_network$/.test(text)) return { kind: 'net' };
  if (type === 'block' && e.k === 'app' && show(e.fn) === 'block_of_file' && e.args[0]?.k === 'str') {
    const name = e.args[0].value;
    if (!/^[a-z][a-z0-9_]{0,15}$/.test(name)) throw untranslatable(at(e), text, 'expected a block name of 1-16 lowercase letters, digits and \'_\' (unik names disks so)');
    return { kind: 'block', name };
  }
  if (type === 'kv_ro' && e.k === 'app' && KV_RO.has(show(e.fn)) && e.args.length === 1 && e.args[0]!.k === 'str') {
    // generic_kv_ro's ~key picks crunch or direct at configure time; on Solo5 both are crunch.
    return { kind: 'kv', dir: e.args[0].value };
  }
  if (DROPPED.has(type) && /^default_\w+$/.test(text)) return { kind: 'dropped', type };
  throw untranslatable(at(e), `${type}: ${text}`, 'a device unik does not model (it passes a stackv4v6 over the default network, block_of_file disks and a crunch kv_ro store)');
}

/** One `package "x"` of a ~packages list; labels such as ~min and ~sublibs as written. */
interface PackageRef {
  name: string;
  labels: string[];
  line: number;
}

/** Pure: the packages of a ~packages list (bound by name or written in place). */
function packageRefs(value: Expr, env: Map<string, Expr>): PackageRef[] {
  const list = value.k === 'id' ? (env.get(value.name) ?? value) : value;
  if (list.k !== 'list') throw untranslatable(at(list), show(list), 'expected a list of package "name"');
  return list.items.map((p) => {
    const name = p.k === 'app' && show(p.fn) === 'package' ? p.args.at(-1) : undefined;
    if (p.k !== 'app' || name?.k !== 'str') throw untranslatable(at(p), show(p), 'expected package "name"');
    return { name: name.value, labels: Object.keys(p.labels), line: p.line };
  });
}

/**
 * ~packages → unik.yaml `packages`: a package unik's duniverse seed provides is kept (the seed pins its version,
 * so ~min/~max are reported); one it does not provide is reported, since unik builds offline from the seed.
 */
function readPackages(refs: PackageRef[], report: Report): string[] {
  const kept: string[] = [];
  for (const p of refs) {
    const construct = `package "${p.name}"`;
    if (!SEED_PACKAGES.has(p.name)) throw untranslatable({ file: FILE, line: p.line }, construct, "not in unik's duniverse seed, from which MirageOS apps build offline: the app's modules that use it would not compile");
    if (!kept.includes(p.name)) kept.push(p.name);
    report.ok({ file: FILE, line: p.line }, construct, `packages: ${p.name}`);
    if (p.labels.length) report.skip({ file: FILE, line: p.line }, `${construct} ${p.labels.map((l) => `~${l}`).join(' ')}`, 'not translated: the seed pins the version');
  }
  return kept;
}

/**
 * ~local_libs → unik.yaml `libraries`: each a library in the directory of its name beside config.ml, with its dune
 * file (mirage-skeleton's layout). Anything else would not build: refused.
 */
function localLibs(value: Expr, env: Map<string, Expr>, project: Project, report: Report): string[] {
  const list = value.k === 'id' ? (env.get(value.name) ?? value) : value;
  const construct = `~local_libs:${show(value)}`;
  if (list.k !== 'list') throw untranslatable(at(value), construct, 'expected a list of library names');
  return list.items.map((item) => {
    if (item.k !== 'str' || !/^[a-z][a-z0-9_]{0,63}$/.test(item.value)) throw untranslatable(at(item), show(item), 'expected a library name of a-z 0-9 _ (unik.yaml libraries)');
    if (!project.files.includes(`${item.value}/dune`)) throw untranslatable(at(item), construct, `expected the library in ${item.value}/ beside config.ml, with its dune file; found none`);
    report.ok(at(item), `~local_libs "${item.value}"`, `libraries: ${item.value} (${item.value}/ with its dune file)`);
    return item.value;
  });
}

/** A directory of the project as config.ml names it: relative, plain components, no "..". */
const STORE_DIR = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/(?!\.\.?(\/|$))[A-Za-z0-9._-]+)*$/;

/**
 * Pure: a kv_ro directory → unik.yaml `files`, one entry per top-level entry of the directory, so the store's keys
 * are the ones crunch gives it ("t/secret" is the key "secret"). What cannot be a store is refused: Main would get none.
 */
export function storeFiles(dir: string, project: Project, where: Place): Record<string, string> {
  const construct = `kv_ro "${dir}"`;
  const clean = dir.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (!STORE_DIR.test(clean)) throw untranslatable(where, construct, 'expected a directory of the project (a relative path without "..")');
  const top = [...new Set(project.files.filter((f) => f.startsWith(`${clean}/`)).map((f) => f.slice(clean.length + 1).split('/')[0]!))].sort();
  if (!top.length) throw untranslatable(where, construct, `expected a directory ${clean}/ with files beside config.ml, found none (Main would get an empty store)`);
  const bad = top.find((n) => !/^[A-Za-z0-9._-]{1,64}$/.test(n));
  if (bad) throw untranslatable(where, construct, `expected file names of letters, digits and ._- (unik's guest paths), found ${JSON.stringify(bad)}`);
  return Object.fromEntries(top.map((n) => (project.files.includes(`${clean}/${n}`) ? [`/${n}`, `${clean}/${n}`] : [`/${n}/`, `${clean}/${n}/`])));
}

/** Pure: the app's OCaml modules beside config.ml (unik writes its own config.ml). */
function ocamlSources(project: Project): string[] {
  const sources = project.files.filter((f) => /^[a-z][A-Za-z0-9_]*\.mli?$/.test(f) && f !== FILE);
  if (!sources.includes('unikernel.ml')) throw untranslatable({ file: FILE, line: null }, 'unikernel.ml', 'expected unikernel.ml beside config.ml (unik\'s config.ml starts Unikernel), found none');
  return sources;
}

/**
 * Pure: a MirageOS config.ml of the common shape (`let main = main "Unikernel.Main" (T @-> ... @-> job)` and
 * `let () = register "name" [main $ impl ...]`) → unik.yaml for target mirage, with its report.
 */
export function translateMirageConfig(project: Project): Translation {
  const config = parseConfigMl(project.texts[FILE]!, FILE);
  const report = new Report();
  for (const o of config.opens) {
    if (o.name === 'Mirage') report.ok(at(o), 'open Mirage', 'unik\'s generated config.ml opens it too');
    else throw untranslatable(at(o), `open ${o.name}`, 'OCaml unik cannot read (config.ml opens Mirage only)');
  }
  const env = new Map<string, Expr>(config.bindings.map((b) => [b.name, b.expr]));
  const isCall = (e: Expr, fn: string): e is Extract<Expr, { k: 'app' }> => e.k === 'app' && show(e.fn) === fn;
  const reg = config.bindings.find((b) => isCall(b.expr, 'register'));
  if (!reg) throw untranslatable({ file: FILE, line: null }, 'register', 'expected `let () = register "name" [main $ ...]`, found none');
  const regCall = reg.expr as Extract<Expr, { k: 'app' }>;
  const [nameArg, jobs] = regCall.args;
  if (nameArg?.k !== 'str' || jobs?.k !== 'list') throw untranslatable(at(reg), 'register', 'expected register "name" [ one job ]');
  if (jobs.items.length !== 1) throw untranslatable(at(reg), `register "${nameArg.value}" [${jobs.items.length ? '…' : ''}]`, `expected one job, found ${jobs.items.length} (unik's config.ml starts one Unikernel)`);

  // The job: main $ impl $ impl ..., with main bound by `let main = main "Module" (types)`.
  const impls: Expr[] = [];
  let head: Expr = jobs.items[0]!;
  while (head.k === 'dollar') (impls.unshift(head.arg), (head = head.fn));
  const mainCall = head.k === 'id' ? env.get(head.name) : head;
  if (!mainCall || !isCall(mainCall, 'main')) throw untranslatable(at(head), show(head), 'expected the job to be `main "Unikernel.Main" (... @-> job)` applied to devices');
  const [moduleArg, typeArg] = mainCall.args;
  if (moduleArg?.k !== 'str' || !typeArg) throw untranslatable(at(mainCall), show(mainCall), 'expected main "Module" (types @-> job)');
  const types: string[] = [];
  let ty: Expr = typeArg;
  for (; ty.k === 'arrow'; ty = ty.to) types.push(show(ty.from));
  if (show(ty) !== 'job') throw untranslatable(at(ty), show(ty), 'expected the functor type to end in job');
  if (types.length !== impls.length) throw untranslatable(at(head), show(jobs.items[0]!), `expected ${types.length} device(s) after main, as its type says, found ${impls.length}`);

  const devices = types.map((t, i) => device(t, impls[i]!, env));
  const passed = devices.filter((d) => d.kind !== 'dropped');
  const expectedModule = passed.length ? 'Unikernel.Main' : 'Unikernel';
  if (!/^Unikernel(\.Main)?$/.test(moduleArg.value)) {
    throw untranslatable(at(moduleArg), `main "${moduleArg.value}"`, 'expected Unikernel.Main (unik\'s config.ml starts the Unikernel module: rename the module\'s file to unikernel.ml)');
  }
  if (moduleArg.value === expectedModule) report.ok(at(moduleArg), `main "${moduleArg.value}"`, `unik's config.ml calls ${expectedModule} too`);
  else throw untranslatable(at(moduleArg), `main "${moduleArg.value}"`, passed.length ? 'unik calls Unikernel.Main with its devices: make the app a functor Main' : 'with no device left to pass, unik calls Unikernel.start (): make start a top-level function');
  devices.forEach((d, i) => {
    const where = at(impls[i]!);
    if (d.kind === 'net') report.ok(where, `${types[i]} ${show(impls[i]!)}`, 'devices.net (platform virtio: a NIC on QEMU user networking)');
    else if (d.kind === 'block') report.ok(where, `${types[i]} ${show(impls[i]!)}`, `devices.block ${d.name}`);
    else if (d.kind === 'kv') report.ok(where, `${types[i]} ${show(impls[i]!)}`, `files: ${d.dir}/ as the store's root (compiled in with ocaml-crunch)`);
    else throw untranslatable(where, `${types[i]} ${show(impls[i]!)}`, `unik's mirage 4.10 config.ml passes no ${d.type} device, so Main would not compile: drop this argument from Main`);
  });
  const order = passed.map((d) => d.kind).join(',');
  const rank = { net: 0, block: 1, kv: 2, dropped: 3 } as const;
  const unikOrder = [...passed].sort((a, b) => rank[a.kind] - rank[b.kind]).map((d) => d.kind).join(',');
  if (order !== unikOrder) throw untranslatable(at(typeArg), show(typeArg), 'unik passes the network stack, then the disks, then the key-value store, so Main would not compile: reorder its parameters');
  const stores = devices.flatMap((d, i) => (d.kind === 'kv' ? [{ dir: d.dir, impl: impls[i]! }] : []));
  if (stores.length > 1) throw untranslatable(at(stores[1]!.impl), show(stores[1]!.impl), 'unik passes one key-value store (unik.yaml files:), so Main would not compile with a second');
  const files = stores.length ? storeFiles(stores[0]!.dir, project, at(stores[0]!.impl)) : undefined;

  const packages: string[] = [];
  const libraries: string[] = [];
  for (const call of [mainCall, regCall]) {
    for (const [label, value] of Object.entries(call.labels)) {
      if (label === 'packages') packages.push(...readPackages(packageRefs(value, env), report).filter((p) => !packages.includes(p)));
      else if (label === 'local_libs') libraries.push(...localLibs(value, env, project, report).filter((l) => !libraries.includes(l)));
      else if (label !== 'pos') report.warn(at(value), `~${label}`, 'not translated: unik.yaml has no field for it');
    }
  }
  const used = new Set([...idsIn(regCall), ...idsIn(mainCall)]);
  for (const b of config.bindings) {
    if (b !== reg && !used.has(b.name)) report.skip(at(b), `let ${b.name}`, 'not read: unused by the registered job');
  }

  const blocks = devices.flatMap((d) => (d.kind === 'block' ? [d.name] : []));
  const disks: { name: string; file: string }[] = [];
  for (const name of blocks) {
    const file = [name, `${name}.img`, `${name}.raw`, `${name}.disk`].find((f) => project.files.includes(f));
    if (file) disks.push({ name, file });
    else report.warn({ file: FILE, line: null }, `block ${name}`, `not translated: no disk image ${name}(.img|.raw|.disk) beside config.ml; create one and add it to devices.block`);
  }
  const net = passed.some((d) => d.kind === 'net');
  if (net) report.skip({ file: FILE, line: null }, 'devices.net.ports', 'config.ml publishes no ports: add devices.net.ports to unik.yaml or pass -p HOST:GUEST to unik run');
  const name = appName(nameArg.value, at(nameArg), report);
  const sources = ocamlSources(project);
  report.ok({ file: FILE, line: null }, 'modules', `sources: ${sources.join(', ')} (unik writes its own config.ml)`);
  const manifest: RawManifest = {
    name,
    target: 'mirage',
    ...(net ? { platform: 'virtio' as const } : {}),
    sources,
    ...(packages.length ? { packages } : {}),
    ...(libraries.length ? { libraries } : {}),
    ...(files ? { files } : {}),
    ...(net || disks.length ? { devices: { ...(net ? { net: { ports: [] } } : {}), ...(disks.length ? { block: disks } : {}) } } : {}),
  };
  return { format: 'mirage-config', from: FILE, manifest, ...report.notes };
}
