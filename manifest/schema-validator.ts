import { Ajv, type Options } from 'ajv';
import schema from './manifest.schema.json' with { type: 'json' };
import type { RawManifest } from './manifest.js';

/**
 * The one Ajv setup for unik.yaml's schema: first error only, strict, errors carrying their schema (the
 * x-expected wording). scripts/bundle.mjs calls this with `code: { source: true, esm: true }` to emit the
 * validator as standalone code, so the bundled CLI never loads or compiles Ajv; tests and tsc use this module.
 */
export function schemaAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, verbose: true, ...extra });
  ajv.addKeyword('x-expected');
  return ajv;
}

export { schema };

export const validateSchema = schemaAjv().compile<RawManifest>(schema);
