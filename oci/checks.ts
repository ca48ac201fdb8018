import { toolCheck, type Check } from '../lib/check.js';
import { which } from '../lib/which.js';

/** `unik doctor`'s line for push/pull: only they need skopeo, so its absence is a warning. */
export const registryChecks = (): Check[] => [toolCheck('skopeo', 'unik push/pull move images with it', 'skopeo', which('skopeo'), 'warn')];
