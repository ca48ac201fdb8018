import type { Report } from './types.js';

/** One logical Makefile.uk line (backslash continuations joined), at the line it starts on. */
interface MakeLine {
  line: number;
  text: string;
}

function logicalLines(text: string): MakeLine[] {
  const out: MakeLine[] = [];
  let cur: MakeLine | null = null;
  text.split('\n').forEach((raw, i) => {
    const body = raw.replace(/(^|[^\\])#.*$/, '$1');
    const cont = /\\\s*$/.test(body);
    const part = body.replace(/\\\s*$/, ' ');
    cur = cur ? { line: cur.line, text: `${cur.text} ${part}` } : { line: i + 1, text: part };
    if (!cont) {
      if (cur.text.trim()) out.push({ line: cur.line, text: cur.text.trim() });
      cur = null;
    }
  });
  return out;
}

const ASSIGN = /^([A-Za-z0-9_]+?)_(SRCS|CINCLUDES|CFLAGS|CXXFLAGS|ASFLAGS|LDFLAGS|INCLUDES|CXXINCLUDES|ASINCLUDES)-(\S+)\s*(\+=|:=|=|\?=)\s*(.*)$/;

/**
 * Pure: the app sources a Makefile.uk compiles (`<LIB>_SRCS-y += $(<LIB>_BASE)/path`), relative to its
 * directory. Everything else it says is reported: unik writes its own Makefile.uk from unik.yaml.
 */
export function makefileUkSources(text: string, file: string, report: Report): string[] {
  const sources: string[] = [];
  for (const { line, text: l } of logicalLines(text)) {
    const at = { file, line };
    if (/^\$\(eval \$\(call addlib(_s)?,[a-z0-9_]+(,\$\([A-Z0-9_]+\))?\)\)$/.test(l)) {
      report.ok(at, 'addlib', 'the app library: unik names it after unik.yaml\'s name');
      continue;
    }
    const m = ASSIGN.exec(l);
    if (!m) {
      report.warn(at, l.length > 60 ? `${l.slice(0, 57)}...` : l, 'not translated: unik writes its own Makefile.uk and reads only *_SRCS-y from this one');
      continue;
    }
    const [, lib, kind, cond, , value] = m as unknown as [string, string, string, string, string, string];
    const construct = `${lib}_${kind}-${cond}`;
    if (kind !== 'SRCS') {
      report.warn(at, construct, `not translated: unik compiles with its own flags and -I on the app directory only`);
      continue;
    }
    if (cond !== 'y') {
      report.warn(at, construct, 'not translated: a source compiled only under a Kconfig condition (unik compiles every listed source)');
      continue;
    }
    for (const word of value.split(/\s+/).filter(Boolean)) {
      const src = new RegExp(`^\\$\\(${lib}_BASE\\)/([A-Za-z0-9_][A-Za-z0-9._/-]*)$`).exec(word);
      if (src && !src[1]!.split('/').includes('..')) sources.push(src[1]!);
      else report.warn(at, word, `not translated: only files under $(${lib}_BASE) can become unik sources`);
    }
  }
  return sources;
}
