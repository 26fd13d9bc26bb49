// One call of an admission webhook: the AdmissionReview POSTed over HTTPS to
// its URL (or its Service's endpoint, verified as `<svc>.<ns>.svc`), trusting
// its caBundle, with `?timeout=<n>s` and the deadline enforced. A Service's
// endpoint is a pod address on the cluster network, which PodLab's process
// does not reach directly (Docker Desktop's engine runs in a VM): the
// cluster's dialer opens the connection and TLS runs over it. Failures read
// as Go's HTTP client words them, for kube-apiserver's message
// `failed to call webhook: Post "<url>": <cause>`.

import type { Duplex } from 'node:stream';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { EndpointResolutionError, type EndpointProblem } from './serviceEndpoint.ts';

/** Opens a TCP connection to an address on the cluster network (a pod's IP and port). */
export type EndpointDialer = (endpoint: { host: string; port: number }) => Promise<Duplex>;

export interface WebhookTarget {
  /** The URL as kube-apiserver names it in messages (the Service's DNS name and port for services). */
  url: string;
  /** Where to connect, when not the URL's host (a Service's endpoint). */
  resolve?: () => Promise<{ host: string; port: number }>;
  /** How to reach the resolved endpoint; absent: a direct TCP connection. */
  dial?: EndpointDialer;
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

/**
 * A Node network or TLS error, worded as Go's net and crypto/tls packages word
 * it: `host:port` is the address dialed, `verifiedName` the name (or IP) the
 * certificate was checked against.
 */
function goCause(err: NodeJS.ErrnoException & { host?: string; cert?: { subjectaltname?: string } }, host: string, port: number, verifiedName: string): { problem: WebhookCallProblem; text: string } {
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
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { problem: 'tls-name-mismatch', text: `tls: failed to verify certificate: ${hostnameError(err.cert?.subjectaltname ?? '', verifiedName)}` };
  }
  const tls = err.code ? tlsVerificationErrors[err.code] : undefined;
  if (tls) return { problem: tls.problem, text: `tls: failed to verify certificate: ${tls.text}` };
  // The cluster's dialer may report a failure beyond its tunnel in words only (`10.0.0.5:8443: connect ECONNREFUSED 10.0.0.5:8443`).
  if (!err.code) {
    if (/\bECONNREFUSED\b/.test(err.message)) return { problem: 'connection-refused', text: `dial tcp ${address}: connect: connection refused` };
    if (/\bEHOSTUNREACH\b/.test(err.message)) return { problem: 'unreachable', text: `dial tcp ${address}: connect: no route to host` };
    if (/\btimed out\b|\bETIMEDOUT\b/.test(err.message)) return { problem: 'timeout', text: `dial tcp ${address}: i/o timeout` };
  }
  return { problem: 'other', text: err.message };
}

/** x509.HostnameError: a name is checked against the DNS names, an IP against the IP addresses. */
function hostnameError(subjectAltName: string, wanted: string): string {
  const entries = subjectAltName.split(', ').filter(Boolean);
  const ip = isIP(wanted) !== 0;
  const prefix = ip ? 'IP Address:' : 'DNS:';
  const valid = entries.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
  if (ip && valid.length === 0) return `x509: cannot validate certificate for ${wanted} because it doesn't contain any IP SANs`;
  if (valid.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${wanted}`;
  return `x509: certificate is valid for ${valid.join(', ')}, not ${wanted}`;
}

/** Why a webhook answered with an HTTP error, as client-go's REST client words it (the Status it sent, or the code's text). */
export function httpFailureCause(result: { status: number; body: unknown; text: string }): string {
  const status = result.body as { kind?: string; message?: string } | undefined;
  if (status?.kind === 'Status' && status.message) return status.message;
  if (result.status === 404) return 'the server could not find the requested resource';
  return `an error on the server (${JSON.stringify(result.text.slice(0, 1024))}) has prevented the request from succeeding`;
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
  // The certificate is checked against the name in the URL (the Service's DNS name), whatever address was dialed.
  const verifiedName = url.hostname.replace(/^\[|\]$/g, '');
  const servername = /^[\d.]+$|:/.test(verifiedName) ? undefined : verifiedName;
  const options: RequestOptions = {
    host,
    port,
    method: 'POST',
    path: `${url.pathname}${url.search}`,
    servername,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': payload.length, Host: url.host },
    ca: target.ca,
    signal: deadline,
  };
  const dial = target.dial;
  if (dial) {
    // No agent: the request takes the connection made here, TLS over the dialed one.
    options.createConnection = (_args, done) => {
      dial({ host, port }).then(
        (socket) => done(null, tlsConnect({ socket, host: verifiedName, servername, ca: target.ca })),
        (err: Error) => done(err, undefined as unknown as Duplex),
      );
      return undefined;
    };
  }
  // A kept-alive connection the server has just closed fails before anything is read: Go's transport sends
  // the request again on a new connection then, and so does this (once).
  const send = (retried: boolean): Promise<{ status: number; body: unknown; text: string }> => new Promise((resolve, reject) => {
    const req = httpsRequest(
      options,
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          const cause = goCause(err, host, port, verifiedName);
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
      if (req.reusedSocket && !retried && err.code === 'ECONNRESET' && !deadline.aborted) return resolve(send(true));
      if (deadline.aborted || err.name === 'AbortError') return reject(new WebhookCallError('timeout', `${shown}: context deadline exceeded`));
      const cause = goCause(err, host, port, verifiedName);
      reject(new WebhookCallError(cause.problem, `${shown}: ${cause.text}`));
    });
    req.end(payload);
  });
  return send(false);
}
