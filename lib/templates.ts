import type HandlebarsNs from 'handlebars';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import { precompiledTemplate } from './precompiled-templates.js';

/** How every template is compiled: build files, not HTML (every value was validated against a strict alphabet). */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

const cache = new Map<string, HandlebarsNs.TemplateDelegate>();

/**
 * Render templates/<framework>/<file>.hbs. The bundled CLI finds each one precompiled (scripts/bundle.mjs: only
 * Handlebars' small runtime loads, on the first render); run from source (tests), it is compiled on first use.
 */
export function renderTemplate(framework: string, file: string, data: object): string {
  const key = `${framework}/${file}`;
  let t = cache.get(key) ?? precompiledTemplate(key);
  if (!t) {
    const handlebars = createRequire(import.meta.url)('handlebars') as typeof HandlebarsNs;
    t = handlebars.compile(readFileSync(join(packageRoot(), 'templates', framework, `${file}.hbs`), 'utf8'), TEMPLATE_OPTIONS);
  }
  cache.set(key, t);
  return t(data);
}
