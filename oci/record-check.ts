import { usageError } from '../lib/errors.js';
import { compileReady } from '../lib/ready-pattern.js';
import { UNSAFE_RANGE } from '../lib/terminal-text.js';
import type { ImageRecord } from '../images/record.js';
import { PLATFORMS, type TargetName } from '../manifest/manifest.js';
import { normalShareDest } from '../manifest/share-dest.js';
import { PACKAGE_FORMAT } from './package.js';

/**
 * A record that arrives from a registry or an archive is untrusted input: its names end up in file names,
 * its settings in QEMU's command line. Every field is checked here against what unik itself writes.
 */
type Obj = Record<string, unknown>;

class Bad extends Error {}
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const need = (ok: boolean, field: string, expected: string): void => {
  if (!ok) throw new Bad(`${field}: expected ${expected}`);
};
const str = (v: unknown, field: string, re: RegExp, expected: string): string => {
  need(typeof v === 'string' && re.test(v), field, expected);
  return v as string;
};
const strMap = (v: unknown, field: string, key: RegExp, value: RegExp): Record<string, string> => {
  need(isObj(v), field, 'an object');
  for (const [k, x] of Object.entries(v as Obj)) {
    str(k, `${field} key`, key, `a key matching ${key}`);
    str(x, `${field}.${k}`, value, value === PRINTABLE ? TEXT : `a value matching ${value}`);
  }
  return v as Record<string, string>;
};
/** What PRINTABLE and ARG accept, in words: the messages never print a regex full of escapes. */
const TEXT = 'printable text (no control, bidi or invisible characters; at most 4096)';
const strList = (v: unknown, field: string, re: RegExp, expected = TEXT): string[] => {
  need(Array.isArray(v), field, 'a list');
  (v as unknown[]).forEach((x, i) => str(x, `${field}[${i}]`, re, expected));
  return v as string[];
};
const int = (v: unknown, field: string, min: number, max: number): number => {
  need(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max, field, `a whole number from ${min} to ${max}`);
  return v as number;
};

const HEX64 = /^[0-9a-f]{64}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,99}$/;
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;
/** Text a terminal shows as text (lib/terminal-text.ts), within a bound. */
const PRINTABLE = new RegExp(`^[^${UNSAFE_RANGE}]{0,4096}$`);
const ARG = new RegExp(`^[^${UNSAFE_RANGE}"]{0,4096}$`);
/** Paths are echoed in hints: no quotes, backslashes or shell syntax either. */
const PATH_TEXT = new RegExp(`^[^${UNSAFE_RANGE}"'\\\\\`$;&|<>(){}*?!#~]{0,1024}$`);
/** More ports than any app publishes; QEMU's command line (and E2BIG) is the real limit. */
const MAX_PORTS = 64;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

function checkDevices(v: unknown): void {
  need(isObj(v), 'run.devices', 'an object');
  const d = v as Obj;
  need(d.console === true, 'run.devices.console', 'true');
  if (d.net !== null) {
    need(isObj(d.net), 'run.devices.net', 'null or an object');
    const n = d.net as Obj;
    need(Array.isArray(n.ports) && (n.ports as unknown[]).length <= MAX_PORTS, 'run.devices.net.ports', `a list of at most ${MAX_PORTS} ports`);
    (n.ports as unknown[]).forEach((p, i) => {
      need(isObj(p), `run.devices.net.ports[${i}]`, 'an object');
      int((p as Obj).host, `run.devices.net.ports[${i}].host`, 1, 65535);
      int((p as Obj).guest, `run.devices.net.ports[${i}].guest`, 1, 65535);
      need((p as Obj).protocol === 'tcp' || (p as Obj).protocol === 'udp', `run.devices.net.ports[${i}].protocol`, 'tcp or udp');
    });
    str(n.guestIp, 'run.devices.net.guestIp', IPV4, 'an IPv4 address');
    str(n.gateway, 'run.devices.net.gateway', IPV4, 'an IPv4 address');
    if (n.nameserver !== undefined) str(n.nameserver, 'run.devices.net.nameserver', IPV4, 'an IPv4 address');
    int(n.prefix, 'run.devices.net.prefix', 0, 32);
  }
  need(Array.isArray(d.block), 'run.devices.block', 'a list');
  (d.block as unknown[]).forEach((b, i) => {
    need(isObj(b), `run.devices.block[${i}]`, 'an object');
    str((b as Obj).name, `run.devices.block[${i}].name`, /^[a-z][a-z0-9_]{0,15}$/, 'a disk name');
    str((b as Obj).file, `run.devices.block[${i}].file`, PRINTABLE, 'a path');
  });
  need(Array.isArray(d.share), 'run.devices.share', 'a list');
  (d.share as unknown[]).forEach((s, i) => {
    need(isObj(s), `run.devices.share[${i}]`, 'an object');
    str((s as Obj).tag, `run.devices.share[${i}].tag`, /^fs\d{1,2}$/, 'a tag fsN');
    str((s as Obj).source, `run.devices.share[${i}].source`, PRINTABLE, 'a path');
    const dest = (s as Obj).dest;
    need(typeof dest === 'string' && normalShareDest(dest) === dest, `run.devices.share[${i}].dest`, 'a normal absolute guest path');
  });
}

function checkRun(v: unknown): void {
  need(isObj(v), 'run', 'an object');
  const r = v as Obj;
  checkDevices(r.devices);
  strList(r.cmdline, 'run.cmdline', ARG, `${TEXT.slice(0, -1)}, no double quotes)`);
  int(r.memoryMiB, 'run.memoryMiB', 2, 4096);
  if (r.ready !== null) {
    str(r.ready, 'run.ready', PRINTABLE, 'null or a regular expression');
    const ready = compileReady(r.ready as string);
    need(ready instanceof RegExp, 'run.ready', ready instanceof RegExp ? '' : ready.problem);
  }
}

function checkFiles(r: Obj): void {
  const files = strMap(r.files, 'files', ROLE, FILE_NAME);
  const sums = strMap(r.filesSha256, 'filesSha256', ROLE, HEX64);
  need(Object.keys(sums).sort().join() === Object.keys(files).sort().join(), 'filesSha256', 'one digest for each of files');
  if (r.filesBytes !== undefined) {
    need(isObj(r.filesBytes) && Object.keys(r.filesBytes).sort().join() === Object.keys(files).sort().join(), 'filesBytes', 'one size for each of files');
    for (const role of Object.keys(files)) int((r.filesBytes as Obj)[role], `filesBytes.${role}`, 0, Number.MAX_SAFE_INTEGER);
  }
  const names = [r.path, ...Object.values(files)];
  need(new Set(names).size === names.length && !names.includes('record.json'), 'files', 'distinct file names (other than record.json)');
}

/** What a boot of this target needs besides the kernel: an image without it could be stored but never run. */
function checkRunnable(rec: Obj): void {
  const files = rec.files as Record<string, string>;
  const boot = rec.bootSettings as Record<string, string>;
  if (rec.target === 'osv' && (boot.fs ?? 'rofs') === 'rofs') need(Object.hasOwn(files, 'disk'), 'files', 'a disk for an OSv rofs image');
  if (rec.target === 'mirage' && rec.platform !== 'virtio') need(Object.hasOwn(files, 'tender'), 'files', `a Solo5 tender for a MirageOS ${String(rec.platform)} image`);
  const ports = ((rec.run as Obj).devices as Obj).net ? ((((rec.run as Obj).devices as Obj).net as Obj).ports as Obj[]) : [];
  const hosts = ports.map((p) => `${String(p.host)}/${String(p.protocol)}`);
  need(new Set(hosts).size === hosts.length, 'run.devices.net.ports', 'each host port once');
}

/**
 * Pure: the unik label of a package (`{format, record}`), checked field by field; the record is returned with
 * `path` and `files` still holding bare file names. A problem is one usage line naming the field.
 */
export function checkPackagedRecord(label: unknown, what: string): ImageRecord & { filesBytes?: Record<string, number> } {
  try {
    need(isObj(label), 'label', 'an object');
    need((label as Obj).format === PACKAGE_FORMAT, 'format', `${PACKAGE_FORMAT} (this unik's package format)`);
    const r = (label as Obj).record;
    need(isObj(r), 'record', 'an object');
    const rec = r as Obj;
    str(rec.id, 'id', /^[0-9a-f]{12}$/, '12 hex digits');
    str(rec.name, 'name', /^[a-z][a-z0-9-]{0,39}$/, 'an image name');
    need(typeof rec.target === 'string' && Object.hasOwn(PLATFORMS, rec.target), 'target', Object.keys(PLATFORMS).join(', '));
    const platforms: readonly string[] = PLATFORMS[rec.target as TargetName];
    need(typeof rec.platform === 'string' && platforms.includes(rec.platform), 'platform', platforms.join(', '));
    str(rec.path, 'path', FILE_NAME, 'a file name');
    checkFiles(rec);
    int(rec.sizeBytes, 'sizeBytes', 1, Number.MAX_SAFE_INTEGER);
    str(rec.sha256, 'sha256', HEX64, '64 hex digits');
    strList(rec.drivers, 'drivers', PRINTABLE);
    strList(rec.libraries, 'libraries', PRINTABLE);
    need(typeof rec.buildSeconds === 'number' && rec.buildSeconds >= 0, 'buildSeconds', 'a number of seconds');
    need(Array.isArray(rec.sources), 'sources', 'a list');
    (rec.sources as unknown[]).forEach((s, i) => {
      need(isObj(s), `sources[${i}]`, 'an object');
      for (const k of ['name', 'ref', 'commit']) str((s as Obj)[k], `sources[${i}].${k}`, PRINTABLE, TEXT);
      need(typeof (s as Obj).dirty === 'boolean', `sources[${i}].dirty`, 'true or false');
    });
    need(rec.frameworkVersion === null || (typeof rec.frameworkVersion === 'string' && PRINTABLE.test(rec.frameworkVersion)), 'frameworkVersion', 'null or a version');
    need(typeof rec.createdAt === 'string' && !Number.isNaN(Date.parse(rec.createdAt)), 'createdAt', 'an ISO date');
    str(rec.appDir, 'appDir', PATH_TEXT, 'a path of at most 1024 characters without quotes, controls or shell syntax');
    str(rec.cacheKey, 'cacheKey', /^[0-9a-f]*$/, 'hex digits');
    checkRun(rec.run);
    strMap(rec.bootSettings, 'bootSettings', /^[A-Za-z][A-Za-z0-9_]{0,31}$/, /^[A-Za-z0-9._-]{0,64}$/);
    if (rec.patches !== undefined) {
      need(Array.isArray(rec.patches), 'patches', 'a list');
      (rec.patches as unknown[]).forEach((x, i) => {
        need(isObj(x), `patches[${i}]`, 'an object');
        for (const k of ['source', 'file']) str((x as Obj)[k], `patches[${i}].${k}`, PRINTABLE, TEXT);
        str((x as Obj).sha256, `patches[${i}].sha256`, HEX64, '64 hex digits');
      });
    }
    if (rec.toolchain !== undefined) strMap(rec.toolchain, 'toolchain', /^[A-Za-z0-9_.-]{1,64}$/, PRINTABLE);
    checkRunnable(rec);
    return rec as unknown as ImageRecord & { filesBytes?: Record<string, number> };
  } catch (e) {
    if (e instanceof Bad) throw usageError(`${what}: unik record ${e.message}`);
    throw e;
  }
}
