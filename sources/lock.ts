import { existsSync, readFileSync } from 'node:fs';
import type { Layout } from '../lib/home.js';
import type { SourceName } from './known-sources.js';

/** sources.json: what the sources cache holds, each at the ref and commit it was cloned at. */
export interface SourceEntry {
  name: SourceName;
  /** Where it was cloned from (upstream URL or a local checkout). */
  origin: string;
  ref: string;
  commit: string;
  path: string;
  addedAt: string;
}

export interface ArchiveEntry {
  url: string;
  file: string;
  path: string;
  sha256: string;
  /** For archives made with git archive: which source and commit they came from. */
  from?: { source: SourceName; commit: string };
}

export interface SourcesLock {
  sources: Partial<Record<SourceName, SourceEntry>>;
  archives: Record<string, ArchiveEntry>;
}

export function readLock(l: Layout): SourcesLock {
  if (!existsSync(l.sourcesLock)) return { sources: {}, archives: {} };
  return JSON.parse(readFileSync(l.sourcesLock, 'utf8')) as SourcesLock;
}

