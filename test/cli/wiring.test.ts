import { describe, expect, it } from 'vitest';
import { unik } from '../helpers/cli.js';

/** cli/main.ts wires only the command typed; everything that needs the whole list must still get it. */
describe('command wiring', () => {
  it('--help lists every command', async () => {
    const r = await unik(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of ['init', 'build', 'images', 'inspect', 'rmi', 'push', 'pull', 'export', 'import', 'run', 'ps', 'logs', 'stop', 'rm', 'prune', 'sources', 'toolchain', 'bench', 'doctor']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
  });

  it('a mistyped command is a usage error that suggests the nearest one', async () => {
    const r = await unik(['rnu']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'rnu'");
    expect(r.stderr).toContain('Did you mean run?');
  });

  it('help COMMAND and COMMAND --help describe that command', async () => {
    for (const args of [['help', 'run'], ['run', '--help']]) {
      const r = await unik(args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Usage: unik run [options] [dir-or-image] [args...]');
      expect(r.stdout).toContain('--remeasure-floor');
    }
  });

  it('a word that is an Object property is no command', async () => {
    const r = await unik(['constructor']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'constructor'");
  });
});
