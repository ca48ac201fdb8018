import { usageError } from '../lib/errors.js';

/** A registry reference, always with an explicit registry: unik never guesses Docker Hub. */
export interface ImageRef {
  /** host[:port] as written (bracketed IPv6 kept). */
  registry: string;
  /** Host without port or brackets. */
  host: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  /** registry/repository:tag or registry/repository@digest (tag `latest` when neither was given). */
  canonical: string;
}

// The grammar of github.com/distribution/reference, restricted to an explicit registry host.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST = `(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])`;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REF_RE = new RegExp(`^(${HOST}(?::[0-9]{1,5})?)/(${COMPONENT}(?:/${COMPONENT})*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$`);
const EXAMPLE = 'REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST], e.g. 127.0.0.1:5000/team/hello:1.0';
/** What tells a registry from a first path component (as docker does): a dot, a port, localhost or [IPv6]. */
const isRegistryHost = (s: string) => /[.:]|^localhost$|^\[/.test(s);

/** Pure: whether an IMAGE argument is meant as a registry reference (local names and ids never hold a '/'). */
export const looksLikeRef = (arg: string): boolean => arg.includes('/') && !/^\.{0,2}\//.test(arg);

/** Pure: parse and check a REF; a bad one is one usage line naming `what` (the flag or argument). */
export function parseRef(input: string, what = 'REF'): ImageRef {
  const bad = (why: string) => usageError(`${what}: expected ${EXAMPLE}, found ${JSON.stringify(input)} (${why})`);
  const first = input.split('/')[0]!;
  if (!input.includes('/')) throw bad('no registry host');
  if (!isRegistryHost(first)) throw bad(`"${first}" is not a registry host: name one such as localhost:5000 or registry.example.com`);
  const m = REF_RE.exec(input);
  if (!m) throw bad('repository names are lower-case letters, digits and . _ - separators; tags are up to 128 of A-Z a-z 0-9 _ . -');
  const [, registry, repository, tag, digest] = m as unknown as [string, string, string, string | undefined, string | undefined];
  const port = /:(\d+)$/.exec(registry.replace(/^\[[^\]]*\]/, ''));
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) throw bad(`port ${port[1]} is out of range`);
  if (registry.length + repository.length + 1 > 255) throw bad('the name is longer than 255 characters');
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '');
  const finalTag = tag ?? (digest ? null : 'latest');
  return {
    registry,
    host,
    repository,
    tag: finalTag,
    digest: digest ?? null,
    canonical: `${registry}/${repository}${digest ? `@${digest}` : `:${finalTag}`}`,
  };
}

/**
 * Pure: hosts that are loopback by their address alone: 127.0.0.0/8 and ::1. Names are not: even "localhost"
 * and "*.localhost" are resolved by skopeo through the system's resolver, which may ask DNS (see loopbackHost).
 */
export function isLoopbackAddress(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

/**
 * Whether plain HTTP is acceptable for this host without --insecure (traffic that never leaves the machine):
 * a loopback address, or the name "localhost" when every address it resolves to here is loopback.
 * "*.localhost" is not trusted: whether such a name stays on the machine is up to whatever DNS answers.
 */
export async function loopbackHost(host: string, lookup: (h: string) => Promise<string[]> = resolveAll): Promise<boolean> {
  if (isLoopbackAddress(host)) return true;
  if (host.toLowerCase() !== 'localhost') return false;
  const addresses = await lookup(host).catch(() => []);
  return addresses.length > 0 && addresses.every(isLoopbackAddress);
}

async function resolveAll(host: string): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  return (await lookup(host, { all: true })).map((a) => a.address);
}
