#!/usr/bin/env node
// The `unik` executable: starts the CLI bundle beside it (dist/cli/unik.cjs, scripts/bundle.mjs) through V8's
// code cache. Only ever bundled as CommonJS, where __dirname is this file's real directory (npm's bin link resolved).
import { join } from 'node:path';
import { runWithCodeCache } from '../lib/code-cache.js';
import { startEarly } from '../lib/early-start.js';

const bundle = join(__dirname, 'unik.cjs');
// A plain `unik run IMAGE` run before starts its VMM now, from the plan it left, while the CLI loads.
if (process.argv[2] === 'run') startEarly(bundle, process.argv.slice(2));
runWithCodeCache(bundle, process.argv[2] ?? '');
