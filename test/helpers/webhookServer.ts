// An admission webhook for tests: an HTTPS server on 127.0.0.1 whose
// certificate (for 127.0.0.1, localhost and kubernetes.default.svc) comes
// from PodLab's own PKI code, answering AdmissionReviews with a handler per
// path and remembering every review it got.

import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';

export interface AdmissionReviewRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind: { group: string; version: string; kind: string };
  name: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; groups: string[] };
  object: Record<string, any> | null;
  oldObject: Record<string, any> | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

/** What a handler answers: allowed, and optionally a status, a JSON patch, warnings; `hang` never answers. */
export interface WebhookReply {
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string };
  patch?: unknown[];
  warnings?: string[];
  hang?: boolean;
}

export type WebhookHandler = (request: AdmissionReviewRequest) => WebhookReply;

export interface ConversionReviewRequest {
  uid: string;
  desiredAPIVersion: string;
  objects: Array<Record<string, any>>;
}

/** A CRD conversion webhook's answer: the whole ConversionReview body (so a test can also answer it wrongly). */
export type ConversionHandler = (request: ConversionReviewRequest) => unknown;

export interface TestWebhookServer {
  port: number;
  url(path: string): string;
  /** base64 of the CA that signed the server's certificate: a webhook's caBundle. */
  caBundle: string;
  reviews: Array<{ path: string; request: AdmissionReviewRequest }>;
  handle(path: string, handler: WebhookHandler): void;
  /** ConversionReviews sent to the path, answered by the handler. */
  conversions: Array<{ path: string; request: ConversionReviewRequest }>;
  handleConversion(path: string, handler: ConversionHandler): void;
  close(): Promise<void>;
}

export async function startWebhookServer(port = 0): Promise<TestWebhookServer> {
  const dir = mkdtempSync(join(tmpdir(), 'podlab-webhook-'));
  const pki = loadOrCreatePki(dir, 'webhook');
  const handlers = new Map<string, WebhookHandler>();
  const reviews: TestWebhookServer['reviews'] = [];
  const conversionHandlers = new Map<string, ConversionHandler>();
  const conversions: TestWebhookServer['conversions'] = [];
  const server: Server = createServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const conversion = conversionHandlers.get(path);
      if (conversion) {
        const { request } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: ConversionReviewRequest };
        conversions.push({ path, request });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(conversion(request)));
      }
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: AdmissionReviewRequest };
      reviews.push({ path, request: review.request });
      const handler = handlers.get(path);
      const reply = handler ? handler(review.request) : { allowed: true };
      if (reply.hang) return;
      const response: Record<string, unknown> = { uid: review.request.uid, allowed: reply.allowed };
      if (reply.status) response.status = reply.status;
      if (reply.warnings) response.warnings = reply.warnings;
      if (reply.patch) {
        response.patchType = 'JSONPatch';
        response.patch = Buffer.from(JSON.stringify(reply.patch)).toString('base64');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: (path) => `https://127.0.0.1:${actualPort}${path}`,
    caBundle: Buffer.from(pki.caCert).toString('base64'),
    reviews,
    handle: (path, handler) => handlers.set(path, handler),
    conversions,
    handleConversion: (path, handler) => conversionHandlers.set(path, handler),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
