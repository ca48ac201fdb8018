import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The name every temp directory of one test run starts with: `unik-test-<run>-`, where the run's token is set by
 * test/global-teardown.ts before any worker starts, so the run removes its own directories and never those of
 * another run on the same machine (a second suite, CI beside a developer's run).
 */
export const tmpPrefix = (): string => `unik-test-${process.env.UNIK_TEST_RUN ?? 'solo'}-`;

/** A fresh temp directory holding the given files (path → content). */
export function tmpTree(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix()));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}
