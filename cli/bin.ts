#!/usr/bin/env node
// The `unik` executable: starts the CLI bundle beside it (dist/cli/unik.cjs, scripts/bundle.mjs) through V8's
// code cache. Only ever bundled as CommonJS, where __dirname is this file's real directory (npm's bin link resolved).
import { join } from 'node:path';
import { runWithCodeCache } from '../lib/code-cache.js';

runWithCodeCache(join(__dirname, 'unik.cjs'), process.argv[2] ?? '');
