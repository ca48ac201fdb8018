import { untranslatable, type Place } from './types.js';

/**
 * Pure: a command line split the way a POSIX shell splits words: whitespace separates, single and double
 * quotes group, a backslash escapes the next character. Nothing is expanded. null when a quote is left open.
 */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let cur: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]!;
      else cur += ch;
    } else if (/\s/.test(ch)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
    } else if (ch === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[++i]!;
    } else {
      cur = (cur ?? '') + ch;
    }
  }
  if (quote) return null;
  if (cur !== null) words.push(cur);
  return words;
}

/** What unik's `cmdline` can carry (the schema's pattern): no control characters, no double quotes. */
const CMDLINE_ARG = /^[^\u0000-\u001f\u007f"]*$/;

/** The app's arguments, or the one line saying which one unik's cmdline cannot carry. */
export function checkArgs(p: Place, construct: string, args: string[]): string[] {
  const bad = args.find((a) => !CMDLINE_ARG.test(a));
  if (bad !== undefined) throw untranslatable(p, construct, `argument ${JSON.stringify(bad)} holds a double quote or control character, which unik's cmdline cannot carry`);
  return args;
}
