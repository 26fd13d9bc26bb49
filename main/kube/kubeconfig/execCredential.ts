// Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), as
// client-go runs them: the command with its args and env plus
// KUBERNETES_EXEC_INFO (an ExecCredential whose spec says whether a terminal
// is there), its stdout parsed as an ExecCredential whose status carries a
// token or a client certificate and key. The result is kept until its
// expirationTimestamp (or, without one, until the server answers 401).
// The UI has no terminal: a plugin that always needs one (interactiveMode
// Always) is refused with a sentence saying so, and the others run with
// stdin closed and spec.interactive false.

import type * as ChildProcess from 'node:child_process';
import { lazyModule } from '../../lazyModule.ts';
import { realClock, type Clock } from '../clock.ts';
import type { ExecConfig, KubeconfigCluster } from './kubeconfigFiles.ts';

// Loaded when a kubeconfig's exec plugin first runs (child_process costs a start ~4 ms).
const childProcess = lazyModule<typeof ChildProcess>('node:child_process');

export interface ExecResult {
  token?: string;
  clientCert?: string;
  clientKey?: string;
  /** Milliseconds since the epoch; absent: good until refused. */
  expiresAt?: number;
}

const supported = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

export class ExecCredentialError extends Error {
  override name = 'ExecCredentialError';
}

interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** The credential in a plugin's output, checked as client-go checks it. */
export function parseExecCredential(stdout: string, apiVersion: string, who: string): ExecResult {
  let doc: { kind?: string; apiVersion?: string; status?: ExecCredentialStatus };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw new ExecCredentialError(`${who} printed no ExecCredential JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (doc?.kind !== 'ExecCredential') throw new ExecCredentialError(`${who} printed kind "${doc?.kind}", not ExecCredential`);
  if (doc.apiVersion !== apiVersion) throw new ExecCredentialError(`${who} printed an ExecCredential of apiVersion "${doc.apiVersion}", but the kubeconfig asks for "${apiVersion}"`);
  const status = doc.status;
  if (!status) throw new ExecCredentialError(`${who} printed an ExecCredential without status`);
  const hasCert = !!status.clientCertificateData || !!status.clientKeyData;
  if (hasCert && !(status.clientCertificateData && status.clientKeyData)) throw new ExecCredentialError(`${who} printed only one of clientCertificateData and clientKeyData: both are needed`);
  if (!status.token && !hasCert) throw new ExecCredentialError(`${who} printed an ExecCredential with neither a token nor a client certificate`);
  let expiresAt: number | undefined;
  if (status.expirationTimestamp) {
    expiresAt = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expiresAt)) throw new ExecCredentialError(`${who} printed an expirationTimestamp that is not a time: ${status.expirationTimestamp}`);
  }
  return {
    ...(status.token ? { token: status.token } : {}),
    ...(hasCert ? { clientCert: status.clientCertificateData, clientKey: status.clientKeyData } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

export interface ExecPluginOptions {
  /** The user's name in the kubeconfig, for messages. */
  user: string;
  /** Sent in KUBERNETES_EXEC_INFO when the exec config asks for provideClusterInfo. */
  cluster?: KubeconfigCluster;
  clock?: Clock;
}

/** One user's plugin: run when there is no valid credential, shared by concurrent callers. */
export class ExecCredentialPlugin {
  private cached: ExecResult | undefined;
  private running: Promise<ExecResult> | undefined;
  private readonly clock: Clock;
  private readonly apiVersion: string;

  constructor(
    private readonly config: ExecConfig,
    private readonly options: ExecPluginOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.apiVersion = config.apiVersion ?? '';
  }

  private get who(): string {
    return `the exec credential plugin "${this.config.command}" of kubeconfig user "${this.options.user}"`;
  }

  async credential(): Promise<ExecResult> {
    if (this.cached && (this.cached.expiresAt === undefined || this.cached.expiresAt > this.clock.now())) return this.cached;
    this.running ??= this.run().finally(() => (this.running = undefined));
    this.cached = await this.running;
    return this.cached;
  }

  /** The server refused the credential: the next call runs the plugin again. */
  invalidate(): void {
    this.cached = undefined;
  }

  private run(): Promise<ExecResult> {
    if (!supported.includes(this.apiVersion)) return Promise.reject(new ExecCredentialError(`${this.who} has apiVersion "${this.apiVersion}"; PodLab runs ${supported.join(' and ')} plugins`));
    if (this.config.interactiveMode === 'Always')
      return Promise.reject(
        new ExecCredentialError(`${this.who} needs a terminal (interactiveMode: Always), and the PodLab UI has none to give it: use it from kubectl in a terminal, or a user whose plugin runs without one (interactiveMode Never or IfAvailable)`),
      );
    const spec: Record<string, unknown> = { interactive: false };
    if (this.config.provideClusterInfo && this.options.cluster) {
      const c = this.options.cluster;
      spec.cluster = {
        server: c.server,
        ...(c['tls-server-name'] ? { 'tls-server-name': c['tls-server-name'] } : {}),
        ...(c['insecure-skip-tls-verify'] ? { 'insecure-skip-tls-verify': true } : {}),
        ...(c['certificate-authority-data'] ? { 'certificate-authority-data': c['certificate-authority-data'] } : {}),
        ...(c['proxy-url'] ? { 'proxy-url': c['proxy-url'] } : {}),
      };
    }
    const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: this.apiVersion, kind: 'ExecCredential', spec }) };
    for (const { name, value } of this.config.env ?? []) env[name] = value;
    return new Promise((resolve, reject) => {
      const child = childProcess().execFile(this.config.command, this.config.args ?? [], { env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) {
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          const hint = this.config.installHint ? `\n${this.config.installHint.trim()}` : '';
          const detail = missing ? 'could not be found' : `failed (${err.message.split('\n')[0]})${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
          reject(new ExecCredentialError(`${this.who} ${detail}${hint}`));
          return;
        }
        try {
          resolve(parseExecCredential(stdout, this.apiVersion, this.who));
        } catch (parseErr) {
          reject(parseErr as Error);
        }
      });
      child.stdin?.end();
    });
  }
}
