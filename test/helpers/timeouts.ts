/**
 * Time limit for a test that builds kernels or toolchains. It only catches hangs: builds here take seconds on
 * a quiet machine and minutes on a busy 2-core one, and a test must not fail because the machine was busy.
 */
export const BUILD_TIMEOUT = 30 * 60_000;
