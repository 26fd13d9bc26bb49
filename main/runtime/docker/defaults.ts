// Defaults of the Docker runtime that other parts (test setup, node
// containers) must agree on.

/** The sandbox image Kubernetes 1.32 uses; `npm run test:setup` imports a local build under this name. */
export const DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/**
 * Logs stay readable through the engine API (json-file) whatever the
 * engine's default driver is, and bounded like the kubelet's defaults
 * (containerLogMaxSize 10Mi, containerLogMaxFiles 5).
 */
export const CONTAINER_LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } };
