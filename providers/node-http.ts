/**
 * node:http, as the CommonJS module gives it. Not `import … from 'node:http'`: an ESM import
 * reads every export, and http.WebSocket's getter loads Node's own copy of undici (13 MB resident,
 * never used; engine/cli/module-graph.test.ts checks it stays unloaded).
 */
export const nodeHttp = process.getBuiltinModule('node:http');
