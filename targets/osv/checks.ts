import { toolCheck, type Check } from '../../lib/check.js';
import type { Layout } from '../../lib/home.js';
import { which } from '../../lib/which.js';
import { sourceChecks } from '../../sources/checks.js';

/** `unik doctor`'s OSv lines: what its kernel build needs, and its sources. OSv is optional: missing pieces warn. */
export async function osvChecks(l: Layout): Promise<Check[]> {
  const tools: [bin: string, why: string, pkg: string][] = [
    ['g++', 'compiles the OSv kernel', 'g++'],
    ['python3', 'OSv build scripts and rofs images', 'python3'],
    ['gawk', 'OSv build', 'gawk'],
  ];
  return [...tools.map(([bin, why, pkg]) => toolCheck(bin, why, pkg, which(bin), 'warn')), ...(await sourceChecks(l, 'osv', []))];
}
