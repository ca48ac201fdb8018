import { toolCheck, type Check } from '../../lib/check.js';
import type { Layout } from '../../lib/home.js';
import { which } from '../../lib/which.js';
import { sourceChecks } from '../../sources/checks.js';

/** `unik doctor`'s Unikraft lines: its build tools and sources. Unikraft is unik's main target: missing pieces fail. */
export async function unikraftChecks(l: Layout): Promise<Check[]> {
  const tools: [bin: string, why: string, pkg: string][] = [
    ['make', 'drives Unikraft builds', 'make'],
    ['flex', 'Unikraft Kconfig', 'flex'],
    ['bison', 'Unikraft Kconfig', 'bison'],
    ['unzip', 'unpacks library archives (lwIP)', 'unzip'],
    ['patch', "applies unik's patches to its build copy of Unikraft", 'patch'],
  ];
  return [...tools.map(([bin, why, pkg]) => toolCheck(bin, why, pkg, which(bin))), ...(await sourceChecks(l, 'unikraft', ['unikraft']))];
}
