// kube-controller-manager's csrcleaner: once an hour, CertificateSigningRequests
// that are done with are deleted, as kube's cleaner deletes them:
//  - issued, an hour after their approval (their certificate is in hand);
//  - denied or failed, an hour after that condition;
//  - pending, a day after they were made;
//  - issued, once their certificate has expired.

import { X509Certificate } from 'node:crypto';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { Timer } from '../../kube/clock.ts';
import type { CertificateSigningRequest, CsrCondition } from '../../apiserver/resources/certificatesigningrequests.ts';
import type { Controller, ControllerContext } from '../shared/controller.ts';
import { parseTime } from '../shared/time.ts';
import { csrResource } from './csrSigningController.ts';

const HOUR_MS = 3600_000;
const POLLING_INTERVAL_MS = HOUR_MS;
const APPROVED_EXPIRATION_MS = HOUR_MS;
const DENIED_EXPIRATION_MS = HOUR_MS;
const PENDING_EXPIRATION_MS = 24 * HOUR_MS;

function condition(csr: CertificateSigningRequest, type: string): CsrCondition | undefined {
  return (csr.status?.conditions ?? []).find((c) => c.type === type);
}

/** When the certificate it carries stops being valid; undefined when it carries none that reads. */
function certificateEnd(csr: CertificateSigningRequest): number | undefined {
  if (!csr.status?.certificate) return undefined;
  try {
    return Date.parse(new X509Certificate(Buffer.from(csr.status.certificate, 'base64')).validTo);
  } catch {
    return undefined;
  }
}

/** Whether the cleaner deletes this request now. */
export function isDoneWith(csr: CertificateSigningRequest, now: number): boolean {
  const past = (time: string | undefined, expirationMs: number) => {
    const at = parseTime(time);
    return at !== undefined && at + expirationMs < now;
  };
  const approved = condition(csr, 'Approved');
  if (csr.status?.certificate && approved && past(approved.lastUpdateTime, APPROVED_EXPIRATION_MS)) return true;
  for (const type of ['Denied', 'Failed']) if (past(condition(csr, type)?.lastUpdateTime, DENIED_EXPIRATION_MS)) return true;
  if ((csr.status?.conditions ?? []).length === 0 && past(csr.metadata.creationTimestamp, PENDING_EXPIRATION_MS)) return true;
  const end = certificateEnd(csr);
  return approved !== undefined && end !== undefined && end < now;
}

export class CsrCleanerController implements Controller {
  readonly name = 'csrcleaner';
  private readonly csrs: SharedInformer<CertificateSigningRequest>;
  private readonly csrClient: ResourceClient<CertificateSigningRequest>;
  private timer: Timer | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ControllerContext) {
    this.csrs = ctx.informers.informer<CertificateSigningRequest>(csrResource);
    this.csrClient = ctx.client.resource<CertificateSigningRequest>(csrResource);
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.running = this.clean().finally(() => this.schedule(POLLING_INTERVAL_MS));
    }, ms);
  }

  private async clean(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const csr of this.csrs.list()) {
      if (!isDoneWith(csr, now)) continue;
      try {
        await this.csrClient.delete(undefined, csr.metadata.name ?? '', { preconditions: { uid: csr.metadata.uid } });
      } catch (err) {
        if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) this.ctx.onError(err, `csrcleaner: delete ${csr.metadata.name}`);
      }
    }
  }
}
