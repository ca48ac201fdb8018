import { existsSync } from 'node:fs';
import { layout } from '../../lib/home.js';
import { KNOWN_SOURCES, type SourceName } from '../../sources/known-sources.js';
import { addArchive, addSource, inspectCheckout, readLock } from '../../sources/cache.js';
import { table } from '../../lib/format.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';

export async function sourcesListCommand(flags: OutputOptions): Promise<void> {
  const l = layout();
  const lock = readLock(l);
  const sources = await Promise.all(
    (Object.keys(KNOWN_SOURCES) as SourceName[]).map(async (name) => {
      const known = KNOWN_SOURCES[name];
      const entry = lock.sources[name];
      const present = !!entry && existsSync(entry.path);
      const live = present ? await inspectCheckout(name, entry.path, entry.ref) : null;
      return {
        name,
        framework: known.framework,
        present,
        pinnedRef: known.ref,
        ref: entry?.ref ?? null,
        commit: live?.commit ?? null,
        dirty: live?.dirty ?? false,
        origin: entry?.origin ?? null,
        path: entry?.path ?? null,
        upstream: known.url,
      };
    }),
  );
  const archives = Object.values(lock.archives).map((a) => ({ ...a, present: existsSync(a.path) }));
  if (flags.json) return printJson({ home: l.home, sources, archives });
  writeOut(`sources cache: ${l.sources}\n\n`);
  writeOut(
    table(
      ['NAME', 'FRAMEWORK', 'STATE', 'REF', 'COMMIT', 'FROM'],
      sources.map((s) => [
        s.name,
        s.framework,
        s.present ? (s.dirty ? 'present (modified)' : 'present') : 'missing',
        s.ref ?? `(pinned ${s.pinnedRef})`,
        s.commit?.slice(0, 12) ?? '-',
        s.origin ?? s.upstream,
      ]),
    ),
  );
  if (archives.length) {
    writeOut('\n' + table(['ARCHIVE', 'SHA256', 'STATE'], archives.map((a) => [a.file, a.sha256.slice(0, 16), a.present ? 'present' : 'missing'])));
  }
}

export async function sourcesAddCommand(name: string, location: string | undefined, flags: OutputOptions & { ref?: string; mirrors?: string }): Promise<void> {
  const entry = await addSource(layout(), name, location, flags.ref, flags.mirrors ?? (process.env.UNIK_SOURCES_FROM || undefined));
  if (flags.json) return printJson(entry);
  writeOut(`added ${entry.name} ${entry.ref} (${entry.commit.slice(0, 12)}) from ${entry.origin}\n`);
}

export async function sourcesAddArchiveCommand(url: string, file: string, flags: OutputOptions & { sha256?: string; force?: boolean }): Promise<void> {
  const { entry, replacedSha256 } = await addArchive(layout(), url, file, flags.sha256, !!flags.force);
  if (flags.json) return printJson({ ...entry, replacedSha256 });
  writeOut(`cached ${entry.file} (sha256 ${entry.sha256}) for ${entry.url}\n`);
  if (replacedSha256) writeOut(`replaced the pinned sha256 ${replacedSha256} (--force)\n`);
}
