import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-teardown.ts'],
    testTimeout: 20_000,
    // Hooks clean up kernel build trees (tens of thousands of files): seconds each on a busy 2-core machine.
    hookTimeout: 120_000,
    // Integration tests build kernels and boot VMs: running them side by side on 2 cores only adds noise.
    fileParallelism: false,
    // No watcher of a framework checkout (sources/watcher.ts) outlives a test: the tests that check that nothing is
    // left running would find them. Its own tests start and stop theirs.
    env: { UNIK_SOURCE_WATCH: 'off', UNIK_SOURCE_WATCH_IDLE: '20' },
  },
});
