import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { unik } from './cli.js';

/** Break the app's main.c and check the build fails as the contract says: exit 1, the step, log tail and path, no image. */
export async function expectCompileErrorStoresNothing(app: string, home: string, step: string): Promise<void> {
  writeFileSync(join(app, 'main.c'), 'int main(void) { return oops; }\n');
  const before = readdirSync(join(home, 'images'));
  const res = await unik(['build', app], { UNIK_HOME: home });
  expect(res.exitCode).toBe(1);
  expect(res.stderr).toMatch(new RegExp(`unik: ${step.replace(/[()]/g, '\\$&')} failed \\(exit code \\d+\\); log: .*\\.log`));
  expect(res.stderr).toContain('oops');
  expect(readdirSync(join(home, 'images'))).toEqual(before);
}
