import { join } from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import type { SourcePatch } from '../target.js';
import { patchesIn } from '../source-patches.js';

/** Where the reviewed OSv patches live in unik's repo. */
export const OSV_PATCH_DIR = join(packageRoot(), 'targets', 'osv', 'patches');

/** The patch that lets the kernel find its HPET clock without ACPI, so that it can boot with `-machine acpi=off`. */
export const HPET_WITHOUT_ACPI = '0001-hpet-at-its-fixed-address-without-acpi.patch';

/**
 * The patch after which the kernel reports the app's exit status without --verbose and ends a crash through
 * QEMU's isa-debug-exit at CRASH_EXIT_PORT, so that it can boot without --verbose.
 */
export const STATUS_WITHOUT_VERBOSE = '0003-report-the-exit-status-without-verbose.patch';

/** The port a kernel with STATUS_WITHOUT_VERBOSE writes 1 to when it aborts (QEMU then exits with status 3). */
export const CRASH_EXIT_PORT = 0xf4;

/** unik's patches to the pinned OSv, in file-name order (the order they are applied), with their content hashes. */
export const osvPatches = (dir = OSV_PATCH_DIR): SourcePatch[] => patchesIn('osv', dir);

/** Pure: whether a kernel with these patches applied boots without ACPI (see HPET_WITHOUT_ACPI). */
export const bootsWithoutAcpi = (applied: Pick<SourcePatch, 'file'>[]): boolean => applied.some((p) => p.file === HPET_WITHOUT_ACPI);

/** Pure: whether a kernel with these patches applied reports the app's exit status without --verbose (see STATUS_WITHOUT_VERBOSE). */
export const reportsStatusQuietly = (applied: Pick<SourcePatch, 'file'>[]): boolean => applied.some((p) => p.file === STATUS_WITHOUT_VERBOSE);
