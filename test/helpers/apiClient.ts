// A raw HTTPS client for the API server, configured from a kubeconfig, for
// tests that must control every byte of a request (bad input, huge bodies,
// missing credentials) — kubectl would refuse to send them.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

export interface ApiTarget {
  server: string;
  ca: string;
  token: string;
}

export function targetFromKubeconfig(path: string): ApiTarget {
  const config = parse(readFileSync(path, 'utf8'));
  const cluster = config.clusters[0].cluster;
  return { server: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), token: config.users[0].user.token };
}

/** What a raw request is: the target, method and path, and optionally a body, more headers, and no credentials. */
type RawRequestArgs = [target: ApiTarget, method: string, path: string, body?: string | Buffer, headers?: Record<string, string>, options?: { anonymous?: boolean }];

export function rawRequest(...args: RawRequestArgs): Promise<RawResponse> {
  return rawRequestBytes(...args).then(({ body: bytes, ...res }) => {
    // Decoded whole: a character split across two chunks stays one character.
    const text = bytes.toString();
    return { ...res, body: text, json: () => JSON.parse(text) };
  });
}

/** rawRequest with the body as the bytes received, undecoded: for timing what the server sends, not what the client makes of it. */
export function rawRequestBytes(...[target, method, path, body, headers = {}, options = {}]: RawRequestArgs): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${target.server}${path}`,
      {
        method,
        ca: target.ca,
        headers: {
          ...(options.anonymous ? {} : { Authorization: `Bearer ${target.token}` }),
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
