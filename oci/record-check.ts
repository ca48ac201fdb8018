import { usageError } from '../lib/errors.js';
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
    str(x, `${field}.${k}`, value, `a value matching ${value}`);
  }
  return v as Record<string, string>;
};
const strList = (v: unknown, field: string, re: RegExp): string[] => {
  need(Array.isArray(v), field, 'a list');
  (v as unknown[]).forEach((x, i) => str(x, `${field}[${i}]`, re, `a string matching ${re}`));
  return v as string[];
};
const int = (v: unknown, field: string, min: number, max: number): number => {
  need(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max, field, `a whole number from ${min} to ${max}`);
  return v as number;
};

const HEX64 = /^[0-9a-f]{64}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,99}$/;
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;
const PRINTABLE = /^[^\u0000-\u001f\u007f]{0,4096}$/;
const ARG = /^[^\u0000-\u001f\u007f"]{0,4096}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

function checkDevices(v: unknown): void {
  need(isObj(v), 'run.devices', 'an object');
  const d = v as Obj;
  need(d.console === true, 'run.devices.console', 'true');
  if (d.net !== null) {
    need(isObj(d.net), 'run.devices.net', 'null or an object');
    const n = d.net as Obj;
    need(Array.isArray(n.ports), 'run.devices.net.ports', 'a list');
    (n.ports as unknown[]).forEach((p, i) => {
      need(isObj(p), `run.devices.net.ports[${i}]`, 'an object');
      int((p as Obj).host, `run.devices.net.ports[${i}].host`, 1, 65535);
      int((p as Obj).guest, `run.devices.net.ports[${i}].guest`, 1, 65535);
      need((p as Obj).protocol === 'tcp' || (p as Obj).protocol === 'udp', `run.devices.net.ports[${i}].protocol`, 'tcp or udp');
    });
    str(n.guestIp, 'run.devices.net.guestIp', IPV4, 'an IPv4 address');
    str(n.gateway, 'run.devices.net.gateway', IPV4, 'an IPv4 address');
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
  strList(r.cmdline, 'run.cmdline', ARG);
  int(r.memoryMiB, 'run.memoryMiB', 2, 4096);
  if (r.ready !== null) {
    str(r.ready, 'run.ready', PRINTABLE, 'null or a regular expression');
    try {
      new RegExp(r.ready as string);
    } catch {
      need(false, 'run.ready', 'a regular expression that compiles');
    }
  }
}

function checkFiles(r: Obj): void {
  const files = strMap(r.files, 'files', ROLE, FILE_NAME);
  const sums = strMap(r.filesSha256, 'filesSha256', ROLE, HEX64);
  need(Object.keys(sums).sort().join() === Object.keys(files).sort().join(), 'filesSha256', 'one digest for each of files');
  const names = [r.path, ...Object.values(files)];
  need(new Set(names).size === names.length && !names.includes('record.json'), 'files', 'distinct file names (other than record.json)');
}

/**
 * Pure: the unik label of a package (`{format, record}`), checked field by field; the record is returned with
 * `path` and `files` still holding bare file names. A problem is one usage line naming the field.
 */
export function checkPackagedRecord(label: unknown, what: string): ImageRecord {
  try {
    need(isObj(label), 'label', 'an object');
    need((label as Obj).format === PACKAGE_FORMAT, 'format', `${PACKAGE_FORMAT} (this unik's package format)`);
    const r = (label as Obj).record;
    need(isObj(r), 'record', 'an object');
    const rec = r as Obj;
    str(rec.id, 'id', /^[0-9a-f]{12}$/, '12 hex digits');
    str(rec.name, 'name', /^[a-z][a-z0-9-]{0,39}$/, 'an image name');
    need(typeof rec.target === 'string' && rec.target in PLATFORMS, 'target', Object.keys(PLATFORMS).join(', '));
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
      for (const k of ['name', 'ref', 'commit']) str((s as Obj)[k], `sources[${i}].${k}`, PRINTABLE, 'a string');
      need(typeof (s as Obj).dirty === 'boolean', `sources[${i}].dirty`, 'true or false');
    });
    need(rec.frameworkVersion === null || (typeof rec.frameworkVersion === 'string' && PRINTABLE.test(rec.frameworkVersion)), 'frameworkVersion', 'null or a version');
    need(typeof rec.createdAt === 'string' && !Number.isNaN(Date.parse(rec.createdAt)), 'createdAt', 'an ISO date');
    str(rec.appDir, 'appDir', PRINTABLE, 'a path');
    str(rec.cacheKey, 'cacheKey', /^[0-9a-f]*$/, 'hex digits');
    checkRun(rec.run);
    strMap(rec.bootSettings, 'bootSettings', /^[A-Za-z][A-Za-z0-9_]{0,31}$/, /^[A-Za-z0-9._-]{0,64}$/);
    return rec as unknown as ImageRecord;
  } catch (e) {
    if (e instanceof Bad) throw usageError(`${what}: unik record ${e.message}`);
    throw e;
  }
}
