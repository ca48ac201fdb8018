import type HandlebarsNs from 'handlebars';

/**
 * templates/<framework>/<file>.hbs precompiled, by "<framework>/<file>". Empty here: scripts/bundle.mjs replaces
 * this module with every template precompiled (Handlebars.precompile with TEMPLATE_OPTIONS) over the runtime.
 */
export const precompiledTemplates: Record<string, HandlebarsNs.TemplateDelegate> = {};
