/** A line of an osv-apps module's Makefile and what it says. */
export interface MakefileLine {
  text: string;
  line: number;
}

/** What unik reads from an osv-apps module's Makefile: as text, never run. */
export interface ModuleMakefile {
  /** Programs it takes from the host (`$(shell which NAME)`), in order: the first the host has is the one. */
  hostPrograms: MakefileLine[];
  /** usr.manifest lines its recipes write with echo (`echo '/x: $${MODULE_DIR}/x' >> usr.manifest`). */
  manifestLines: MakefileLine[];
  /** Recipe lines that add to usr.manifest in a way unik does not read (a generated tree, a condition, ldd's output). */
  unreadManifestLines: MakefileLine[];
  /** What makes its program more than the module's own C files: downloads, other compilers, libraries linked. */
  blockers: (MakefileLine & { why: string })[];
}

/** A recipe step that fetches upstream code, or runs the module's own GET script that does. */
const DOWNLOAD = /\b(wget|curl|git clone|svn co)\b|(^|[\s;])\.\/GET\b/;
/** A compiler unik does not run: the program is not C alone. */
const OTHER_COMPILER = /\b(gccgo|g\+\+|c\+\+|csc|javac|rustc|cargo|go build)\b/;
/** A library linked in beyond libc: `pkg-config --libs`, or `-lNAME` for anything but the kernel's libc parts. */
const LIBS = /pkg-config\s+--libs\s+([\w.+-]+)|(?:^|\s)-l(?!(?:c|m|pthread|dl|rt)\b)([\w.+-]+)/;

/** Pure: the Makefile's simple variables (`NAME = value`, `:=`, `?=`), first definition wins. */
function variables(lines: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const l of lines) {
    const m = /^\s*([A-Za-z_]\w*)\s*[:?]?=\s*(.*\S)\s*$/.exec(l);
    if (m && !vars.has(m[1]!)) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

/** Pure: read an osv-apps module Makefile for host programs, the usr.manifest it writes and what stops a C build. */
export function readModuleMakefile(text: string): ModuleMakefile {
  const lines = text.split('\n');
  const vars = variables(lines);
  const out: ModuleMakefile = { hostPrograms: [], manifestLines: [], unreadManifestLines: [], blockers: [] };
  lines.forEach((raw, i) => {
    const line = i + 1;
    const l = raw.replace(/#.*$/, '');
    for (const m of l.matchAll(/\bwhich\s+(\$\((\w+)\)|[\w.+-]+)/g)) {
      const name = m[2] ? vars.get(m[2]) : m[1];
      if (name && /^[\w.+-]+$/.test(name)) out.hostPrograms.push({ text: name, line });
    }
    const echo = /^\s+echo\s+(['"])(.*)\1\s*>>?\s*usr\.manifest\s*$/.exec(l);
    if (echo) out.manifestLines.push({ text: echo[2]!.replace(/\$\$/g, '$'), line });
    // manifest_from_host.sh of one program is the program itself (placed at /its-name); anything else is not read.
    else if (/>>?\s*usr\.manifest\b/.test(l) && !/manifest_from_host\.sh\s+\$\(\w+\)\s*>/.test(l)) out.unreadManifestLines.push({ text: l.trim(), line });
    if (!raw.startsWith('\t')) return;
    const download = DOWNLOAD.exec(l);
    if (download) out.blockers.push({ text: download[0].trim(), line, why: 'the Makefile downloads and builds upstream code the program needs' });
    const compiler = OTHER_COMPILER.exec(l);
    if (compiler) out.blockers.push({ text: compiler[1]!, line, why: 'the program is built with a compiler unik does not run (unik compiles C with gcc)' });
    const link = /\$\(CC\)|\b(cc|gcc|ld)\s/.test(l);
    const libs = link && LIBS.exec(l.replace(/\$\((LDFLAGS|LDLIBS)\)/g, ` ${vars.get('LDFLAGS') ?? ''} ${vars.get('LDLIBS') ?? ''} `));
    if (libs) out.blockers.push({ text: libs[1] ? `pkg-config --libs ${libs[1]}` : `-l${libs[2]}`, line, why: 'the program links a library unik does not link (unik builds with gcc -O2 -fPIE -pie and libc alone)' });
  });
  return out;
}
