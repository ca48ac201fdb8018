import { describe, expect, it } from 'vitest';
import { ArgError, parseArgs, signalName, signalNumber } from '../../runtime/args.js';

describe('parseArgs: runc\'s command line', () => {
  it('global flags before the subcommand, as containerd\'s shim passes them', () => {
    const p = parseArgs(['--root', '/run/containerd/runc/default', '--log', '/b/log.json', '--log-format', 'json', '--systemd-cgroup', 'create', '--bundle', '/b', '--pid-file', '/b/init.pid', 'c1']);
    expect(p.global).toEqual({ root: '/run/containerd/runc/default', log: '/b/log.json', logFormat: 'json', systemdCgroup: true, debug: false, fallback: 'runc', guestNetwork: 'tap' });
    expect(p.command).toEqual({ name: 'create', id: 'c1', bundle: '/b', pidFile: '/b/init.pid', consoleSocket: null });
    expect(p.rest).toEqual(['create', '--bundle', '/b', '--pid-file', '/b/init.pid', 'c1']);
    expect(p.globalArgv).toEqual(['--root', '/run/containerd/runc/default', '--log', '/b/log.json', '--log-format', 'json', '--systemd-cgroup']);
  });

  it('conmon\'s create: --flag=value, --console-socket, --no-pivot and --no-new-keyring', () => {
    const p = parseArgs(['--systemd-cgroup=false', 'create', '--bundle=/b', '--pid-file=/p', '--console-socket', '/s.sock', '--no-pivot', '--no-new-keyring', 'abc']);
    expect(p.global.systemdCgroup).toBe(false);
    expect(p.command).toEqual({ name: 'create', id: 'abc', bundle: '/b', pidFile: '/p', consoleSocket: '/s.sock' });
  });

  it('defaults: root /run/unik-runtime, text logs, bundle ".", fallback from UNIK_RUNTIME_FALLBACK; --fallback is ours, never runc\'s', () => {
    const p = parseArgs(['create', 'x'], { UNIK_RUNTIME_FALLBACK: 'crun' });
    expect(p.global).toMatchObject({ root: '/run/unik-runtime', logFormat: 'text', log: null, fallback: 'crun' });
    expect(p.command).toMatchObject({ bundle: process.cwd() });
    const q = parseArgs(['--fallback', '/usr/bin/crun', '--debug', 'state', 'x']);
    expect(q.global).toMatchObject({ fallback: '/usr/bin/crun', debug: true });
    expect(q.globalArgv).toEqual(['--debug']);
  });

  it('start, state, kill (name or number, --all), delete --force, ps --format json, features, --version', () => {
    expect(parseArgs(['start', 'a']).command).toEqual({ name: 'start', id: 'a' });
    expect(parseArgs(['state', 'a']).command).toEqual({ name: 'state', id: 'a' });
    expect(parseArgs(['kill', 'a']).command).toEqual({ name: 'kill', id: 'a', signal: 'SIGTERM', all: false });
    expect(parseArgs(['kill', '--all', 'a', '9']).command).toEqual({ name: 'kill', id: 'a', signal: '9', all: true });
    expect(parseArgs(['delete', '--force', 'a']).command).toEqual({ name: 'delete', id: 'a', force: true });
    expect(parseArgs(['delete', 'a']).command).toEqual({ name: 'delete', id: 'a', force: false });
    expect(parseArgs(['ps', '--format', 'json', 'a']).command).toEqual({ name: 'ps', id: 'a', format: 'json' });
    expect(parseArgs(['features']).command).toEqual({ name: 'features' });
    expect(parseArgs(['--version']).command).toEqual({ name: 'version' });
    expect(parseArgs([]).command).toEqual({ name: 'help' });
  });

  it('refuses what runc refuses, in runc\'s words', () => {
    expect(() => parseArgs(['start'])).toThrow(new ArgError('"start" requires a container id'));
    expect(() => parseArgs(['state', '../etc'])).toThrow('invalid id format: ../etc');
    expect(() => parseArgs(['--log-format', 'xml', 'state', 'a'])).toThrow('invalid log-format: xml');
    expect(() => parseArgs(['ps', '--format', 'yaml', 'a'])).toThrow('invalid format option: yaml');
    expect(() => parseArgs(['--root'])).toThrow('flag needs an argument: --root');
    expect(() => parseArgs(['frobnicate', 'a'])).toThrow(ArgError);
  });
});

describe('signals', () => {
  it.each([['KILL', 9], ['SIGKILL', 9], ['9', 9], ['term', 15], ['SIGUSR1', 10], ['34', 34]])('%s is %i', (s, n) => expect(signalNumber(s)).toBe(n));
  it('an unknown one is refused', () => {
    expect(() => signalNumber('SIGNOPE')).toThrow('unknown signal "SIGNOPE"');
    expect(() => signalNumber('0')).toThrow(ArgError);
  });
  it('numbers back to names node takes; real-time ones stay numbers', () => {
    expect(signalName(15)).toBe('SIGTERM');
    expect(signalName(34)).toBe(34);
  });
});
