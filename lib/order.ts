/**
 * Plain code-unit string order. Not localeCompare: its first call loads ICU's collator, tens of milliseconds that
 * every `unik run` and cached build would pay for sorting ISO dates and ASCII keys.
 */
export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
