/**
 * Characters a terminal does not show as text: C0 and C1 controls (U+009B alone starts an escape sequence),
 * DEL, bidi overrides, embeddings and isolates (U+202A–E, U+2066–9), invisible marks and line separators.
 * Records from registries are checked against these on the way in; everything printed is escaped on the way out.
 */
export const UNSAFE_RANGE = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';

const UNSAFE = new RegExp(`[${UNSAFE_RANGE}]`, 'g');
const UNSAFE_BUT_NEWLINES = new RegExp(`(?![\\n\\t])[${UNSAFE_RANGE}]`, 'g');
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Pure: text with every such character written as \uXXXX (newlines and tabs kept when `lines`). */
export const terminalSafe = (text: string, lines = false): string => text.replace(lines ? UNSAFE_BUT_NEWLINES : UNSAFE, escape);

/** The unsafe characters JSON.stringify leaves raw (it escapes C0 itself; its own newlines are layout). */
const UNSAFE_IN_JSON = new RegExp(`(?![\\u0000-\\u001f])[${UNSAFE_RANGE}]`, 'g');

/** Pure: JSON whose strings hold none of them raw: the same JSON value, as \uXXXX escapes. */
export const safeJson = (value: unknown, indent?: number): string => JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, escape);

/** Pure: a word as a POSIX shell reads it: bare when it holds only safe characters, else single-quoted. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
