/**
 * node:child_process, loaded when a process is first started rather than when a module that may start one is
 * imported: with net and stream it costs a start ~6 ms, and a cached build whose sources' watcher answers starts none.
 */
export const childProcess = (): typeof import('node:child_process') => process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
