/** The app's own Prometheus registry (not prom-client's global one: several apps may share a process in tests). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
