import type HandlebarsNs from 'handlebars';

/**
 * A template precompiled at bundle time, by "<framework>/<file>"; none here. scripts/bundle.mjs replaces this
 * module with one that runs dist/templates.cjs through the code cache (every template precompiled with
 * TEMPLATE_OPTIONS, over Handlebars' runtime) on the first render, so commands that render nothing (run) never
 * load it.
 */
export const precompiledTemplate = (_key: string): HandlebarsNs.TemplateDelegate | undefined => undefined;
