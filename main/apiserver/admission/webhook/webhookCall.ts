// One call of an admission webhook: the AdmissionReview POSTed over HTTPS to
// its URL (or its Service's endpoint, verified as `<svc>.<ns>.svc`), trusting
// its caBundle, with `?timeout=<n>s` and the deadline enforced. Failures read
// as Go's HTTP client words them, for kube-apiserver's message
// `failed to call webhook: Post "<url>": <cause>`.

import { request as httpsRequest } from 'node:https';
import { EndpointResolutionError, type EndpointProblem } from './serviceEndpoint.ts';

export interface WebhookTarget {
  /** The URL as kube-apiserver names it in messages (the Service's DNS name and port for services). */
  url: string;
  /** Where to connect, when not the URL's host (a Service's endpoint). */
  resolve?: () => Promise<{ host: string; port: number }>;
  /** PEM certificates to trust; absent: the system's roots. */
  ca?: string;
  timeoutSeconds: number;
}

/** Why a call failed, as a class the debugger explains (the message keeps Go's words). */
export type WebhookCallProblem =
  | EndpointProblem
  | 'connection-refused'
  | 'unreachable'
  | 'no-such-host'
  | 'connection-reset'
  | 'tls-unknown-authority'
  | 'tls-name-mismatch'
  | 'tls-expired'
  | 'timeout'
  | 'other';

export class WebhookCallError extends Error {
  constructor(
    readonly problem: WebhookCallProblem,
    message: string,
  ) {
    super(message);
  }
}

const tlsVerificationErrors: Record<string, { problem: WebhookCallProblem; text: string }> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { problem: 'tls-unknown-authority', text: 'x509: certificate signed by unknown authority' },
  SELF_SIGNED_CERT_IN_CHAIN: { problem: 'tls-unknown-authority', text: 'x509: certificate signed by unknown authority' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { problem: 'tls-unknown-authority', text: 'x509: certificate signed by unknown authority' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { problem: 'tls-unknown-authority', text: 'x509: certificate signed by unknown authority' },
  CERT_SIGNATURE_FAILURE: { problem: 'tls-unknown-authority', text: 'x509: certificate signed by unknown authority' },
  CERT_HAS_EXPIRED: { problem: 'tls-expired', text: 'x509: certificate has expired or is not yet valid' },
  CERT_NOT_YET_VALID: { problem: 'tls-expired', text: 'x509: certificate has expired or is not yet valid' },
};

/** A Node network or TLS error, worded as Go's net and crypto/tls packages word it. */
function goCause(err: NodeJS.ErrnoException & { host?: string; cert?: { subjectaltname?: string } }, host: string, port: number): { problem: WebhookCallProblem; text: string } {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return { problem: 'connection-refused', text: `dial tcp ${address}: connect: connection refused` };
    case 'EHOSTUNREACH':
      return { problem: 'unreachable', text: `dial tcp ${address}: connect: no route to host` };
    case 'ENETUNREACH':
      return { problem: 'unreachable', text: `dial tcp ${address}: connect: network is unreachable` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { problem: 'no-such-host', text: `dial tcp: lookup ${host}: no such host` };
    case 'ECONNRESET':
      return { problem: 'connection-reset', text: `read tcp ${address}: read: connection reset by peer` };
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const names = (err.cert?.subjectaltname ?? '').split(', ').map((n) => n.replace(/^(DNS|IP Address):/, '')).filter(Boolean);
      // Go checks the certificate against the URL's host (a Service's DNS name), not the address dialed.
      return { problem: 'tls-name-mismatch', text: `tls: failed to verify certificate: x509: certificate is valid for ${names.join(', ')}, not ${err.host ?? host}` };
    }
  }
  const tls = err.code ? tlsVerificationErrors[err.code] : undefined;
  if (tls) return { problem: tls.problem, text: `tls: failed to verify certificate: ${tls.text}` };
  return { problem: 'other', text: err.message };
}

/** `10s`: a Go duration of whole seconds, as the timeout parameter carries it. */
function goSeconds(seconds: number): string {
  return `${seconds}s`;
}

/** POSTs the review and returns the decoded answer; throws WebhookCallError with the cause as kube-apiserver reports it. */
export async function callWebhook(target: WebhookTarget, review: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const url = new URL(target.url);
  url.searchParams.set('timeout', goSeconds(target.timeoutSeconds));
  // Go prints the URL as configured (an explicit :443 stays), with the timeout parameter added.
  const shown = `Post "${target.url}?timeout=${goSeconds(target.timeoutSeconds)}"`;
  const deadline = AbortSignal.timeout(target.timeoutSeconds * 1000);
  let host = url.hostname.replace(/^\[|\]$/g, '');
  let port = Number(url.port || 443);
  if (target.resolve) {
    try {
      ({ host, port } = await target.resolve());
    } catch (err) {
      if (err instanceof EndpointResolutionError) throw new WebhookCallError(err.problem, `${shown}: ${err.message}`);
      throw err;
    }
  }
  const payload = Buffer.from(JSON.stringify(review));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host,
        port,
        method: 'POST',
        path: `${url.pathname}${url.search}`,
        // The certificate is checked against the name in the URL (the Service's DNS name), whatever address was dialed.
        servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': payload.length, Host: url.host },
        ca: target.ca,
        signal: deadline,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          const cause = goCause(err, host, port);
          reject(new WebhookCallError(cause.problem, `${shown}: ${cause.text}`));
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (deadline.aborted || err.name === 'AbortError') return reject(new WebhookCallError('timeout', `${shown}: context deadline exceeded`));
      const cause = goCause(err, host, port);
      reject(new WebhookCallError(cause.problem, `${shown}: ${cause.text}`));
    });
    req.end(payload);
  });
}
