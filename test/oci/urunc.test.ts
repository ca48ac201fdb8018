import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { uruncAnnotations, uruncConfig, uruncJson } from '../../oci/urunc.js';

/** urunc's source as this machine holds it (a bare mirror of github.com/urunc-dev/urunc). */
const MIRROR = '/work/.mirror/urunc-dev+urunc/repo';
const configGo = (): string | null => {
  if (!existsSync(MIRROR)) return null;
  try {
    return execFileSync('git', ['--git-dir', MIRROR, 'show', 'HEAD:pkg/unikontainers/config.go'], { encoding: 'utf8' });
  } catch {
    return null;
  }
};
const source = configGo();
if (!source) console.warn(`\n*** SKIPPING the urunc decoder test: urunc's source is not at ${MIRROR} (pkg/unikontainers/config.go) ***\n`);

/**
 * urunc's GetUnikernelConfig, read from its source: the annotation names (the annot* constants) and the fields its
 * decode() passes through base64.StdEncoding.DecodeString, where an error is fatal.
 */
function uruncDecoder(go: string) {
  const names = Object.fromEntries([...go.matchAll(/^\s*(annot\w+)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1]!, m[2]!]));
  const fieldOf = Object.fromEntries([...go.matchAll(/^\s*(\w+)\s+string\s+`json:"([^",]+)(?:,omitempty)?"`/gm)].map((m) => [m[2]!, m[1]!]));
  const decodeBody = go.slice(go.indexOf('func (c *UnikernelConfig) decode()'));
  const decoded = new Set([...decodeBody.slice(0, decodeBody.indexOf('\n}\n')).matchAll(/DecodeString\(c\.(\w+)\)/g)].map((m) => m[1]!));
  /** Go's base64.StdEncoding: padded, standard alphabet; anything else is an error. */
  const stdDecode = (v: string): string => {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)) throw new Error(`illegal base64 data: ${v}`);
    return Buffer.from(v, 'base64').toString('utf8');
  };
  return {
    names: new Set(Object.values(names)),
    /** What urunc's config holds after decode(), for annotations as unik writes them. */
    read(annotations: Record<string, string>): Record<string, string> {
      return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, decoded.has(fieldOf[k] ?? '') ? stdDecode(v) : v]));
    },
    decodes: (key: string) => decoded.has(fieldOf[key] ?? ''),
  };
}

const images = [
  { target: 'unikraft', platform: 'qemu/x86_64', frameworkVersion: '0.16.3', run: { cmdline: ['world', 'two words'], devices: { console: true as const, net: null, block: [], share: [] }, memoryMiB: 8, ready: null } },
  { target: 'mirage', platform: 'spt', frameworkVersion: null, run: { cmdline: [], devices: { console: true as const, net: null, block: [], share: [] }, memoryMiB: 8, ready: null } },
] as const;

describe.skipIf(!source)('urunc reads unik\'s annotations right (its current GetUnikernelConfig)', () => {
  const urunc = uruncDecoder(source ?? '');

  it('every key unik writes is one urunc reads, and urunc decodes each of them', () => {
    expect(urunc.names.size).toBeGreaterThan(4);
    for (const image of images) {
      for (const key of Object.keys(uruncAnnotations(image))) {
        expect(urunc.names.has(key), key).toBe(true);
        expect(urunc.decodes(key), key).toBe(true);
      }
    }
  });

  it('the annotations (spec, labels) and /urunc.json decode, without error, to what unik means', () => {
    for (const image of images) {
      expect(urunc.read(uruncAnnotations(image))).toEqual(uruncConfig(image));
      expect(urunc.read(JSON.parse(uruncJson(uruncAnnotations(image))))).toEqual(uruncConfig(image));
    }
  });

  it('plain values would be read wrong: "unikraft" is valid base64 and decodes into garbage, silently', () => {
    expect(urunc.read({ 'com.urunc.unikernel.unikernelType': 'unikraft' })['com.urunc.unikernel.unikernelType']).not.toBe('unikraft');
  });
});
