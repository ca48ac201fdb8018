#!/usr/bin/env node
// The `unik-runtime` executable: starts the runtime bundle beside it (dist/runtime/unik-runtime-main.cjs) through
// V8's code cache, one cache per subcommand, as bin/unik does the CLI: engines start a fresh runtime for every call.
import { join } from 'node:path';
import { runWithCodeCache } from '../lib/code-cache.js';

const word = process.argv[2] === '--unik-monitor' ? 'monitor' : process.argv.slice(2).find((a) => /^(create|start|state|kill|delete|ps|features|list)$/.test(a)) ?? '';
(runWithCodeCache(join(__dirname, 'unik-runtime-main.cjs'), word) as { run: () => Promise<void> }).run();
