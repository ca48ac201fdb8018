import { untranslatable } from './types.js';

/**
 * A reader for the small part of OCaml a MirageOS config.ml is made of: `open`, `let` bindings, applications
 * with labelled arguments, strings, lists, and the `@->` and `$` operators. Anything else is untranslatable,
 * at its line: unik never evaluates OCaml.
 */
export type Expr =
  | { k: 'str'; value: string; line: number }
  | { k: 'id'; name: string; line: number }
  | { k: 'unit'; line: number }
  | { k: 'list'; items: Expr[]; line: number }
  | { k: 'app'; fn: Expr; args: Expr[]; labels: Record<string, Expr>; line: number }
  | { k: 'arrow'; from: Expr; to: Expr; line: number }
  | { k: 'dollar'; fn: Expr; arg: Expr; line: number };

export interface Binding {
  name: string;
  expr: Expr;
  line: number;
}

export interface ConfigMl {
  opens: { name: string; line: number }[];
  bindings: Binding[];
}

interface Token {
  t: 'str' | 'id' | 'label' | 'optlabel' | 'sym';
  v: string;
  line: number;
}

const SYMBOLS = ['@->', ';;', '(', ')', '[', ']', ';', '=', '$', ':'];

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const fail = (what: string) => untranslatable({ file, line }, what, 'OCaml unik cannot read (it reads open Mirage, let bindings of main, register and device expressions)');
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (text.startsWith('(*', i)) {
      let depth = 0;
      do {
        if (text.startsWith('(*', i)) (depth++, (i += 2));
        else if (text.startsWith('*)', i)) (depth--, (i += 2));
        else if (text[i++] === '\n') line++;
      } while (depth > 0 && i < text.length);
      if (depth > 0) throw fail('(*');
      continue;
    }
    if (ch === '"') {
      const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(text.slice(i));
      if (!m) throw fail('"');
      out.push({ t: 'str', v: m[1]!.replace(/\\(.)/g, '$1'), line });
      i += m[0].length;
      continue;
    }
    const lab = /^([~?])([a-z_][A-Za-z0-9_']*)(:?)/.exec(text.slice(i));
    if (lab) {
      out.push({ t: lab[1] === '~' ? 'label' : 'optlabel', v: lab[2]! + lab[3]!, line });
      i += lab[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_']*(\.[A-Za-z_][A-Za-z0-9_']*)*/.exec(text.slice(i));
    if (id) {
      // Mirage.register is register: config.ml opens Mirage or qualifies its names, the same functions either way.
      out.push({ t: 'id', v: id[0].replace(/^Mirage\.(?=[a-z_])/, ''), line });
      i += id[0].length;
      continue;
    }
    // Operators outside the subset become tokens too, so the parser names the first construct it cannot read.
    const sym = SYMBOLS.find((s) => text.startsWith(s, i)) ?? /^[!$%&*+\-./:<=>?@^|~]+|^./.exec(text.slice(i))![0];
    out.push({ t: 'sym', v: sym, line });
    i += sym.length;
  }
  return out;
}

/** Pure: `e` with every reference to `name` (an identifier, or a punned ~label) replaced by `value`. */
export function substitute(e: Expr, name: string, value: Expr): Expr {
  const s = (x: Expr) => substitute(x, name, value);
  switch (e.k) {
    case 'id':
      return e.name === name ? value : e;
    case 'list':
      return { ...e, items: e.items.map(s) };
    case 'arrow':
      return { ...e, from: s(e.from), to: s(e.to) };
    case 'dollar':
      return { ...e, fn: s(e.fn), arg: s(e.arg) };
    case 'app':
      return { ...e, fn: s(e.fn), args: e.args.map(s), labels: Object.fromEntries(Object.entries(e.labels).map(([k, v]) => [k, s(v)])) };
    default:
      return e;
  }
}

/** Pure: parse a config.ml; the first construct outside the subset is untranslatable, naming its line. */
export function parseConfigMl(text: string, file = 'config.ml'): ConfigMl {
  const toks = tokenize(text, file);
  let p = 0;
  const peek = () => toks[p];
  const fail = (tok: Token | undefined, why = 'OCaml unik cannot read (it reads open Mirage, let bindings of main, register and device expressions)') =>
    untranslatable({ file, line: tok?.line ?? null }, tok ? tok.v : 'end of file', why);
  const eat = (v: string) => {
    const tok = toks[p];
    if (tok?.v !== v || tok.t !== 'sym') throw fail(tok, `expected "${v}" here: OCaml unik cannot read`);
    p++;
  };
  const isAtomStart = (tok: Token | undefined) => !!tok && (tok.t === 'str' || (tok.t === 'id' && !['let', 'open', 'in', 'fun', 'function', 'match', 'if'].includes(tok.v)) || (tok.t === 'sym' && (tok.v === '(' || tok.v === '[')));

  function atom(): Expr {
    const tok = toks[p++];
    if (!tok) throw fail(tok);
    if (tok.t === 'str') return { k: 'str', value: tok.v, line: tok.line };
    if (tok.t === 'id' && isAtomStart(tok)) return { k: 'id', name: tok.v, line: tok.line };
    if (tok.t === 'sym' && tok.v === '(') {
      if (peek()?.v === ')') return p++, { k: 'unit', line: tok.line };
      const e = expr();
      eat(')');
      return e;
    }
    if (tok.t === 'sym' && tok.v === '[') {
      const items: Expr[] = [];
      while (peek()?.v !== ']') {
        items.push(expr());
        if (peek()?.v === ';') p++;
        else break;
      }
      eat(']');
      return { k: 'list', items, line: tok.line };
    }
    throw fail(tok);
  }

  function app(): Expr {
    const fn = atom();
    const args: Expr[] = [];
    const labels: Record<string, Expr> = {};
    for (;;) {
      const tok = peek();
      if (tok && (tok.t === 'label' || tok.t === 'optlabel')) {
        p++;
        const name = tok.v.replace(/:$/, '');
        labels[name] = tok.v.endsWith(':') ? atom() : { k: 'id', name, line: tok.line };
      } else if (isAtomStart(tok)) args.push(atom());
      else break;
    }
    return args.length || Object.keys(labels).length ? { k: 'app', fn, args, labels, line: fn.line } : fn;
  }

  function arrow(): Expr {
    const from = app();
    if (peek()?.v !== '@->') return from;
    p++;
    return { k: 'arrow', from, to: arrow(), line: from.line };
  }

  /** `name`, `()` or `_` after let, then an optional type annotation (`: job impl`), skipped up to the `=`. */
  function binder(): string {
    const target = toks[p++];
    let name: string;
    if (target?.t === 'sym' && target.v === '(') {
      eat(')');
      name = '()';
    } else if (target?.t === 'id') name = target.v;
    else throw fail(target);
    if (peek()?.t === 'sym' && peek()?.v === ':') {
      p++;
      while (peek() && !(peek()!.t === 'sym' && peek()!.v === '=')) {
        if (peek()!.t !== 'id' && !(peek()!.t === 'sym' && ['(', ')', '*', '->', '@->'].includes(peek()!.v))) throw fail(peek(), 'a type annotation: OCaml unik cannot read');
        p++;
      }
    }
    if (peek()?.v !== '=') throw fail(peek(), 'a function definition: OCaml unik cannot read (it reads only `let name = expression`)');
    p++;
    return name;
  }

  function expr(): Expr {
    // `let x = e in body`: body with x replaced by e (config.ml binds names, it computes nothing with them).
    if (peek()?.t === 'id' && peek()?.v === 'let') {
      p++;
      const name = binder();
      const value = expr();
      const inTok = toks[p];
      if (inTok?.t !== 'id' || inTok.v !== 'in') throw fail(inTok, 'expected "in" here: OCaml unik cannot read');
      p++;
      return substitute(expr(), name, value);
    }
    let e = arrow();
    while (peek()?.v === '$') {
      p++;
      e = { k: 'dollar', fn: e, arg: arrow(), line: e.line };
    }
    return e;
  }

  const opens: ConfigMl['opens'] = [];
  const bindings: Binding[] = [];
  while (p < toks.length) {
    const tok = toks[p++]!;
    if (tok.t === 'sym' && tok.v === ';;') continue;
    if (tok.t === 'id' && tok.v === 'open') {
      const name = toks[p++];
      if (name?.t !== 'id') throw fail(name);
      opens.push({ name: name.v, line: tok.line });
      continue;
    }
    if (tok.t !== 'id' || tok.v !== 'let') throw fail(tok);
    const name = binder();
    bindings.push({ name, expr: expr(), line: tok.line });
  }
  return { opens, bindings };
}
