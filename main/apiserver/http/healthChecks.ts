// /healthz, /livez and /readyz as kube-apiserver answers them
// (k8s.io/apiserver/pkg/server/healthz): "ok", or with ?verbose one line per
// check ("[+]etcd ok") and "readyz check passed"; a failed check makes the
// answer a 500 that names it without its reason (the endpoints are public);
// ?exclude=NAME skips one; /livez/etcd runs one check alone. The checks are
// PodLab's real ones: the store answers a read (etcd), and the server is not
// shutting down. Checks kube-apiserver has for parts PodLab does not run
// (post-start hooks, informer sync) are not pretended.

export interface HealthCheck {
  name: string;
  /** Resolves when healthy; rejects with the reason. */
  check(): Promise<void>;
}

export interface HealthAnswer {
  status: number;
  text: string;
}

export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

/** How long the store's read may take before the etcd check fails (kube-apiserver's --etcd-healthcheck-timeout). */
const STORE_CHECK_TIMEOUT_MS = 2000;

/** The store answers a read within the timeout (kube-apiserver's etcd check: a GET of a key). */
export function storeCheck(name: string, read: () => Promise<unknown>): HealthCheck {
  return {
    name,
    check: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the storage did not answer within 2s')), STORE_CHECK_TIMEOUT_MS);
        timer.unref();
        read().then(
          () => (clearTimeout(timer), resolve()),
          (err: unknown) => (clearTimeout(timer), reject(err)),
        );
      }),
  };
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

/** The answer to /ENDPOINT (`check` undefined) or /ENDPOINT/CHECK; undefined for a check that does not exist (404). */
export async function healthAnswer(endpoint: HealthEndpoint, check: string | undefined, query: URLSearchParams, checks: HealthCheck[]): Promise<HealthAnswer | undefined> {
  if (check !== undefined) {
    const one = checks.find((c) => c.name === check);
    if (!one) return undefined;
    try {
      await one.check();
      return { status: 200, text: 'ok' };
    } catch (err) {
      return { status: 500, text: `internal server error: ${(err as Error).message}\n` };
    }
  }
  const excluded = new Set(query.getAll('exclude').flatMap((value) => value.split(',')).map((v) => v.trim()).filter(Boolean));
  let lines = '';
  let failed = false;
  for (const c of checks) {
    if (excluded.delete(c.name)) {
      lines += `[+]${c.name} excluded: ok\n`;
      continue;
    }
    try {
      await c.check();
      lines += `[+]${c.name} ok\n`;
    } catch {
      // The reason stays out of a public answer, as kube-apiserver keeps it for its log.
      lines += `[-]${c.name} failed: reason withheld\n`;
      failed = true;
    }
  }
  if (excluded.size > 0) lines += `warn: some health checks cannot be excluded: no matches for ${quoted([...excluded].sort())}\n`;
  // Always verbose on failure.
  if (failed) return { status: 500, text: `${lines}${endpoint} check failed\n` };
  if (!query.has('verbose')) return { status: 200, text: 'ok' };
  return { status: 200, text: `${lines}${endpoint} check passed\n` };
}
