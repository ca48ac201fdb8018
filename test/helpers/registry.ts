import { execa, type ResultPromise } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { which } from '../../lib/which.js';
import { tmpTree } from './tmp.js';

/** A real registry (Debian's docker-registry, distribution 2.8) on a free port, for one test file. */
export interface TestRegistry {
  /** host:port */
  address: string;
  /** A directory holding the throw-away CA's certificate (for --cert-dir / skopeo --cert-dir). */
  certDir: string;
  user: string;
  password: string;
  /** Where the registry keeps blobs: docker/registry/v2/blobs/sha256/<2>/<hex>/data. */
  dataDir: string;
  pid: number;
  /** Registry log lines from byte `from` on (the access log: one line per request). */
  logSince(from: number): string;
  logSize(): number;
  stop(): Promise<void>;
}

export const REGISTRY_TOOLS = ['docker-registry', 'skopeo', 'openssl', 'htpasswd', 'umoci'] as const;

/** The tools the registry tests need that are missing here (each test file skips loudly on any). */
export const missingRegistryTools = (): string[] => REGISTRY_TOOLS.filter((t) => !which(t));

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for `host` signed by it, made with openssl for this run only. */
async function throwAwayCa(dir: string, host: string): Promise<{ cert: string; key: string; ca: string }> {
  const o = (args: string[]) => execa('openssl', args, { cwd: dir });
  await o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=unik test CA']);
  await o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${host}`]);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=IP:${host}\n`);
  await o(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
  return { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
}

/** Start a registry: TLS from a throw-away CA and htpasswd auth by default; `plain` for plain HTTP, no auth. */
export async function startRegistry(o: { plain?: boolean; host?: string } = {}): Promise<TestRegistry> {
  const host = o.host ?? '127.0.0.1';
  const dir = tmpTree();
  const certDir = join(dir, 'certs');
  mkdirSync(certDir);
  const port = await freePort(host);
  const user = 'alice';
  const password = 's3cret-pw';
  let tls = '';
  let auth = '';
  if (!o.plain) {
    const ca = await throwAwayCa(dir, host);
    writeFileSync(join(certDir, 'ca.crt'), readFileSync(ca.ca));
    tls = `  tls:\n    certificate: ${ca.cert}\n    key: ${ca.key}\n`;
    const { stdout } = await execa('htpasswd', ['-Bbn', user, password]);
    writeFileSync(join(dir, 'htpasswd'), stdout + '\n');
    auth = `auth:\n  htpasswd:\n    realm: unik-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${dataDir}\nhttp:\n  addr: ${host}:${port}\n  secret: unik-test-secret\n${tls}${auth}`);
  const logPath = join(dir, 'registry.log');
  const child: ResultPromise = execa('docker-registry', ['serve', join(dir, 'config.yml')], { stdout: { file: logPath }, stderr: { file: logPath }, reject: false, cleanup: true });
  const address = `${host}:${port}`;
  const deadline = Date.now() + 15_000;
  while (!readLog(logPath).includes(`listening on ${address}`)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`docker-registry did not start:\n${readLog(logPath)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    certDir,
    user,
    password,
    dataDir,
    pid: child.pid!,
    logSize: () => Buffer.byteLength(readLog(logPath)),
    logSince: (from) => Buffer.from(readLog(logPath)).subarray(from).toString(),
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Digests of the blobs whose upload the registry completed in a stretch of its log (PUT …?digest=… → 201). */
export function uploadedBlobs(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => l.includes('msg="response completed"') && l.includes('http.request.method=PUT') && l.includes('http.response.status=201'))
    .flatMap((l) => /[?&]digest=sha256%3A([0-9a-f]{64})/.exec(l)?.[1] ?? [])
    .map((hex) => `sha256:${hex}`);
}

/** Requests that start a blob upload (POST …/blobs/uploads/), completed or not. */
export const uploadStarts = (log: string): number =>
  log.split('\n').filter((l) => l.includes('msg="response completed"') && l.includes('http.request.method=POST') && /\/blobs\/uploads\//.test(l)).length;
