// httpGet probes, as pkg/probe/http: 200-399 is success; a redirect to the
// same host is followed (at most 10 requests), one to another host is not
// and counts as a success with a warning; other statuses fail with
// "HTTP probe failed with statuscode: N" (never the body: issue 99425); a
// request that fails is a failure with Go's error. The timeout covers the
// whole exchange, redirects included, as http.Client.Timeout does.

import { failure, goQuote, probeError, success, warning, type ProbeOutput } from './probeOutput.ts';
import { exchange } from './httpExchange.ts';
import { buildProbeRequest, redirectUrl, type HttpGetAction, type ProbeRequest } from './httpRequest.ts';
import { routeTo, type ProbeTarget } from './probeTarget.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REQUESTS = 10;

export async function probeHttp(action: HttpGetAction, target: ProbeTarget): Promise<ProbeOutput> {
  const built = buildProbeRequest(action, target.container, target.network?.podIP ?? '');
  if ('error' in built) return probeError(built.error);
  const first = built.request;
  let request: ProbeRequest = first;
  const deadline = Date.now() + target.timeoutMs;
  for (let requests = 1; ; requests++) {
    const route = routeTo(target, request.url.hostname, request.url.port);
    if (route.kind === 'unreachable') return probeError(route.error);
    const reply = await exchange(route, request, deadline - Date.now(), target);
    if (reply.kind === 'error') return probeError(reply.message);
    if (reply.kind === 'failed') return failure(`Get ${goQuote(request.url.text)}: ${reply.cause}`);
    // ReadAtMost's error, unlike the request's, reaches the prober as an error.
    if (reply.bodyError) return probeError(reply.bodyError, 'failure');

    const next = REDIRECT_STATUSES.has(reply.status) && reply.location !== undefined ? redirectUrl(request.url, reply.location) : undefined;
    if (next && next.hostname === first.url.hostname) {
      if (requests >= MAX_REQUESTS) return failure(`Get ${goQuote(reply.location!)}: stopped after ${MAX_REQUESTS} redirects`);
      request = { url: next, headers: first.headers };
      // Go keeps a custom Host header only through relative redirects (golang/go#22233).
      if (first.host && !/^[a-z][a-z0-9+.-]*:/i.test(reply.location!)) request.host = first.host;
      continue;
    }
    if (reply.status >= 200 && reply.status < 400) {
      if (reply.status >= 300) return warning(`Probe terminated redirects, Response body: ${reply.body}`);
      return success(reply.body);
    }
    return failure(`HTTP probe failed with statuscode: ${reply.status}`);
  }
}

