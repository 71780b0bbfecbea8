/**
 * prom-client's registry, metric kinds and default metrics, each from its own module: the package
 * index also loads its Pushgateway (node:http, https and zlib), its cluster aggregator (node:cluster)
 * and Summary, which the CCM never uses (about 1 MB resident). The package declares no `exports`,
 * so these files are its public surface too (as client-node's, see kube-connection.ts); their
 * types are the index's (prom-client-modules.d.ts).
 */
export { default as Counter } from 'prom-client/lib/counter.js';
export { default as Gauge } from 'prom-client/lib/gauge.js';
export { default as Histogram } from 'prom-client/lib/histogram.js';
export { default as Registry } from 'prom-client/lib/registry.js';
export { default as collectDefaultMetrics } from 'prom-client/lib/defaultMetrics.js';
