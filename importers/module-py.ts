import type { Report } from './types.js';

/** A command an OSv module.py declares with api.run(...), at its line. */
export interface ModuleRun {
  name: string;
  cmdline: string;
  line: number;
}

/** A Python string literal (single or double quotes, no escapes beyond \\ and the quote). */
const STRING = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;
const unquote = (lit: string) => lit.slice(1, -1).replace(/\\(.)/g, '$1');

/** Pure: a string expression of literals and earlier string names joined by `+`; null when it is anything else. */
function stringValue(expr: string, vars: Map<string, string>): string | null {
  const parts = expr.split(new RegExp(`\\s*\\+\\s*(?=(?:[^'"]|${STRING})*$)`));
  let out = '';
  for (const p of parts.map((x) => x.trim())) {
    if (new RegExp(`^(${STRING})$`).test(p)) out += unquote(p);
    else if (vars.has(p)) out += vars.get(p)!;
    else return null;
  }
  return out;
}

/**
 * Pure: what an OSv module.py says about running the app. It is Python, so unik reads only the declarative
 * lines modules are made of: imports from osv.modules, string assignments, `x = api.run(...)`,
 * `default = x`, `api.require(...)`. Every other line is reported, never executed.
 */
export function moduleRuns(text: string, file: string, report: Report): { runs: ModuleRun[]; defaultName: string | null } {
  const vars = new Map<string, string>();
  const runs: ModuleRun[] = [];
  let defaultName: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const at = { file, line: i + 1 };
    const l = raw.replace(/\s+#.*$/, '').trim();
    if (!l || l.startsWith('#') || /^(from osv\.modules(\.\w+)? import [\w*, ]+|import os)$/.test(l)) return;
    let m = /^(?:api\.)?require(?:_running|_if_other_module_present)?\((.*)\)$/.exec(l);
    if (m) return report.warn(at, `require(${m[1]})`, 'not translated: unik\'s OSv image ships the app alone, no other modules');
    m = /^(\w+)\s*=\s*(?:api\.)?run\((?:cmdline\s*=\s*)?(.*)\)$/.exec(l);
    if (m) {
      const cmdline = stringValue(m[2]!, vars);
      if (cmdline === null) return report.skip(at, `${m[1]} = run(${m[2]})`, 'not read: the command is not a string unik can evaluate without running Python');
      runs.push({ name: m[1]!, cmdline, line: i + 1 });
      return;
    }
    m = /^(\w+)\s*=\s*(?:api\.)?(run_on_init|run_java|run_python|delayed)\(/.exec(l);
    if (m) return report.skip(at, `${m[1]} = ${m[2]}(...)`, `not translated: unik runs one native program in the foreground, not ${m[2]}`);
    m = /^default\s*=\s*(\w+)$/.exec(l);
    if (m) {
      defaultName = m[1]!;
      return;
    }
    m = /^(\w+)\s*=\s*(.+)$/.exec(l);
    const value = m ? stringValue(m[2]!, vars) : null;
    if (m && value !== null) {
      vars.set(m[1]!, value);
      return;
    }
    report.skip(at, l.length > 60 ? `${l.slice(0, 57)}...` : l, 'not read: unik reads only api.run, api.require and string assignments in module.py');
  });
  return { runs, defaultName };
}
