import type HandlebarsNs from 'handlebars';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

const cache = new Map<string, HandlebarsNs.TemplateDelegate>();
/** Loaded on first use: commands that render nothing (run, ps, …) never pay for it. */
let handlebars: typeof HandlebarsNs | null = null;

/**
 * Render templates/<framework>/<file>.hbs. No HTML escaping: these are build files, and every value that
 * reaches them was validated against a strict alphabet before.
 */
export function renderTemplate(framework: string, file: string, data: object): string {
  const key = `${framework}/${file}`;
  let t = cache.get(key);
  if (!t) {
    handlebars ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsNs;
    t = handlebars.compile(readFileSync(join(packageRoot(), 'templates', framework, `${file}.hbs`), 'utf8'), {
      noEscape: true,
      strict: true,
    });
    cache.set(key, t);
  }
  return t(data);
}

