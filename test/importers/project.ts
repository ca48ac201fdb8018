import type { Project } from '../../importers/types.js';

/** A project as the translators see it, from texts; `others` are files present but not read. */
export function project(texts: Record<string, string>, others: string[] = [], dirs: string[] = []): Project {
  return { texts, files: [...Object.keys(texts), ...others].sort(), dirs, dirName: 'My_Project' };
}
