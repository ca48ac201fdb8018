import { usageError, type UnikError } from '../lib/errors.js';
import type { RawManifest } from '../manifest/manifest.js';

/** The project formats `unik init --from` reads. */
export type ImportFormat = 'kraftfile' | 'osv-module' | 'mirage-config';

/** Where a construct sits in the foreign project: a file relative to the project dir, and a 1-based line. */
export interface Place {
  file: string;
  line: number | null;
}

/** One line of the import report: a construct and what became of it (or why nothing could). */
export interface Note extends Place {
  construct: string;
  message: string;
}

/** A foreign project as the pure translators see it: the texts they read and the files beside them. */
export interface Project {
  /** Relative path → text, for the files a translator asked for that exist. */
  texts: Record<string, string>;
  /** Every file in the project (relative paths, '/' separated), directories excluded. */
  files: string[];
  /** Every directory in the project (relative paths). */
  dirs: string[];
  /** The project directory's base name: the fallback app name. */
  dirName: string;
  /** Programs the project takes from the host (an OSv module's `which NAME`) that this host has, by name. */
  onHostPath?: Record<string, HostProgram>;
}

/** A host program as the import found it: its path, whether it serves (imports listen or accept), the process functions it imports. */
export interface HostProgram {
  path: string;
  serves: boolean;
  forks: string[];
}

/** What a translator made: the manifest to write and the report, line by line. */
export interface Translation {
  format: ImportFormat;
  /** The file the translation started from (Kraftfile, config.ml, module.py, ...). */
  from: string;
  manifest: RawManifest;
  translated: Note[];
  untranslated: Note[];
  /** Constructs left out that may make the build or the run fail: printed first, before any "next" hint. */
  warnings: Note[];
}

export const where = (p: Place) => (p.line === null ? p.file : `${p.file}:${p.line}`);

/** Input unik cannot translate at all: one line naming file, line and construct; exit 2, nothing written. */
export const untranslatable = (p: Place, construct: string, why: string): UnikError => usageError(`${where(p)}: ${construct}: ${why}`);

/** Collects the report while a translator walks its input. */
export class Report {
  readonly translated: Note[] = [];
  readonly untranslated: Note[] = [];
  readonly warnings: Note[] = [];

  ok(p: Place, construct: string, message: string): void {
    this.translated.push({ ...p, construct, message });
  }

  skip(p: Place, construct: string, message: string): void {
    this.untranslated.push({ ...p, construct, message });
  }

  /** Left out, and the app may not build or run as it did without it (what is known to fail is refused instead). */
  warn(p: Place, construct: string, message: string): void {
    this.warnings.push({ ...p, construct, message });
  }

  /** The three lists a Translation carries. */
  get notes(): Pick<Translation, 'translated' | 'untranslated' | 'warnings'> {
    return { translated: this.translated, untranslated: this.untranslated, warnings: this.warnings };
  }
}
