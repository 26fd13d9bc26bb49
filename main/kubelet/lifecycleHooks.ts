// postStart and preStop handlers, as lifecycle/handlers.go runs them: exec
// in the container, an HTTP GET to the pod (through the port the sandbox
// publishes on 127.0.0.1, since the host may not reach pod IPs), or a sleep.
// A failure comes back with the kubelet's message.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PublishedPort, Runtime } from '../runtime/runtime.ts';
import { resolvePort } from './sandboxConfig.ts';
import { goList } from '../kube/goFormat.ts';
import { formatPod, type Container, type LifecycleHandler, type Pod } from './types.ts';

export interface HookTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  /** The pod IP, used when the port is not published (hostNetwork pods). */
  podIP?: string;
  published: PublishedPort[];
}

export class HookError extends Error {}


export async function runHook(runtime: Runtime, handler: LifecycleHandler, target: HookTarget, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const { pod, container } = target;
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    let output = '';
    try {
      const result = await runtime.execSync(target.containerId, command, timeoutMs);
      output = result.stdout + result.stderr;
      if (result.exitCode !== 0) throw new Error(`command '${command.join(' ')}' exited with ${result.exitCode}: ${result.stderr}`);
    } catch (error) {
      throw new HookError(
        `Exec lifecycle hook (${goList(command)}) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: ${(error as Error).message}, message: ${JSON.stringify(output)}`,
      );
    }
    return;
  }
  if (handler.httpGet) {
    const path = handler.httpGet.path ?? '/';
    try {
      await httpGet(handler.httpGet, target, timeoutMs);
    } catch (error) {
      throw new HookError(`HTTP lifecycle hook (${path}) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: ${(error as Error).message}`);
    }
    return;
  }
  if (handler.sleep) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, handler.sleep!.seconds * 1000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new HookError(`Sleep lifecycle hook (${handler.sleep!.seconds}) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: container terminated before sleep hook finished`));
      });
    });
    return;
  }
  throw new HookError(`Cannot run handler: invalid handler: ${JSON.stringify(handler)}`);
}

function httpGet(action: NonNullable<LifecycleHandler['httpGet']>, target: HookTarget, timeoutMs: number): Promise<void> {
  const port = resolvePort(action.port === '' ? 80 : action.port, target.container);
  if (port === undefined) return Promise.reject(new Error(`couldn't find port: ${action.port} in ${target.container.name}`));
  const published = target.published.find((p) => p.containerPort === port && p.protocol === 'TCP');
  const host = action.host || (published ? published.hostIp : target.podIP);
  if (!host) return Promise.reject(new Error('failed to find networking container'));
  const targetPort = !action.host && published ? published.hostPort : port;
  const scheme = (action.scheme ?? 'HTTP').toUpperCase();
  const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.32' };
  for (const header of action.httpHeaders ?? []) headers[header.name] = header.value;
  const path = action.path?.startsWith('/') ? action.path : `/${action.path ?? ''}`;
  const request = scheme === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({ host, port: targetPort, path, method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${scheme.toLowerCase()}://${host}:${targetPort}${path}": context deadline exceeded`)));
    req.on('error', reject);
    req.end();
  });
}
