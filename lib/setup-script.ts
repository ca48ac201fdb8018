import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** The set-up script inside unik's package: a checkout and an npm install alike carry scripts/setup.sh. */
export const setupScript = (): string => join(packageRoot(), 'scripts', 'setup.sh');
