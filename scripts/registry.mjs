// A throw-away registry for the registry tests and `npm run bench:oci`: Debian's docker-registry (distribution
// 2.8) on a free port, TLS from a CA made with openssl for this run only and htpasswd auth (or plain HTTP).
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freePort = (host = '127.0.0.1') =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A CA and a server certificate for `host` signed by it. */
async function throwAwayCa(dir, host) {
  const o = (args) => execa('openssl', args, { cwd: dir });
  await o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=unik test CA']);
  await o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${host}`]);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=IP:${host}\n`);
  await o(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
  return { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
}

const readLog = (path) => {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
};

/**
 * Start a registry; resolves once it listens. `plain`: HTTP without auth. The result has address (host:port),
 * certDir (holding ca.crt), user, password, dataDir, pid, logSize(), logSince(byte), stop().
 */
export async function startRegistry({ plain = false, host = '127.0.0.1' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'unik-registry-'));
  const certDir = join(dir, 'certs');
  mkdirSync(certDir);
  const port = await freePort(host);
  const user = 'alice';
  const password = 's3cret-pw';
  let tls = '';
  let auth = '';
  if (!plain) {
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
  const child = execa('docker-registry', ['serve', join(dir, 'config.yml')], { stdout: { file: logPath }, stderr: { file: logPath }, reject: false, cleanup: true });
  const address = `${host}:${port}`;
  const deadline = Date.now() + 15_000;
  while (!readLog(logPath).toString().includes(`listening on ${address}`)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`docker-registry did not start:\n${readLog(logPath)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    certDir,
    user,
    password,
    dataDir,
    pid: child.pid,
    logSize: () => readLog(logPath).length,
    logSince: (from) => readLog(logPath).subarray(from).toString(),
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

const completed = (log, method) => log.split('\n').filter((l) => l.includes('msg="response completed"') && l.includes(`http.request.method=${method} `));

/** Digests of the blobs whose upload the registry completed in a stretch of its log (PUT …?digest=… → 201). */
export const uploadedBlobs = (log) =>
  completed(log, 'PUT')
    .filter((l) => l.includes('http.response.status=201'))
    .flatMap((l) => /[?&]digest=sha256%3A([0-9a-f]{64})/.exec(l)?.[1] ?? [])
    .map((hex) => `sha256:${hex}`);

/** Requests that start a blob upload (POST …/blobs/uploads/), completed or not. */
export const uploadStarts = (log) => completed(log, 'POST').filter((l) => /\/blobs\/uploads\//.test(l)).length;
