// The detached watcher of one checkout (dist/sources/watcher-main.js), started by a build: CHECKOUT SOURCES_DIR IDLE_SECONDS.
import { watchDirOf } from './watch-dir.js';
import { runWatcher } from './watcher.js';

const [checkout, sourcesDir, idle] = process.argv.slice(2);
if (checkout && sourcesDir && Number(idle) > 0) await runWatcher(checkout, watchDirOf(sourcesDir, checkout), Number(idle) * 1000);
