// The node side of pods/log, exec, attach and portforward: where kube-apiserver
// proxies these to the pod's kubelet, PodLab asks the Runtime of the pod's
// node directly. Everything that can be refused is refused here, before the
// response starts, so it reaches the client as a Status; the returned
// handler then only streams.

import type { ApiServer } from '../../apiserver/apiServer.ts';
import type { ApiRequest, ApiResult, ConnectHandler } from '../../apiserver/dispatcher.ts';
import { errors } from '../../apiserver/errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { PodConnector } from '../../apiserver/subresources.ts';
import { NotFoundError, type Runtime } from '../../runtime/runtime.ts';
import { parseAttachOptions, parseExecOptions } from './commandOptions.ts';
import { logsSince, parsePodLogOptions } from './logOptions.ts';
import { LogStream } from './logStream.ts';
import { chooseContainer, containerSpec, logContainerId, runningContainerId, type PodView } from './podContainers.ts';
import { dialDockerPods, portDialer, sandboxTarget, type PodDialLookup } from './podSandboxTarget.ts';
import { PodProxy } from './podProxy.ts';
import type { ProxyTarget } from '../../apiserver/proxyTarget.ts';
import { PortForward } from './portForward.ts';
import { parsePortForwardPorts } from './portForwardChannels.ts';
import { RemoteCommand } from './remoteCommand.ts';

export type RuntimeLookup = (nodeName: string) => Runtime | undefined;

export class PodStreams implements PodConnector {
  constructor(
    private readonly runtimeFor: RuntimeLookup,
    private readonly now: () => Date = () => new Date(),
    private readonly dialFor: PodDialLookup = dialDockerPods,
  ) {}

  async connect(subresource: string, object: KubeObject, req: ApiRequest): Promise<ApiResult> {
    const pod = object as PodView;
    const handler = await this.handlerFor(subresource, pod, req);
    return { type: 'connect', handler };
  }

  proxy(nodeName: string, target: ProxyTarget): ApiResult {
    const runtime = this.runtimeOf(nodeName);
    const dial = this.dialFor(runtime);
    if (!dial) throw errors.badRequest(`proxying to ${target.address} is not available: node "${nodeName}" runs no containers (simulated runtime), so there is no pod network to connect to`);
    return { type: 'connect', handler: new PodProxy(target, () => portDialer(dial, target.address)(target.port)) };
  }

  private handlerFor(subresource: string, pod: PodView, req: ApiRequest): Promise<ConnectHandler> | ConnectHandler {
    switch (subresource) {
      case 'log':
        return this.logs(pod, req.query);
      case 'exec':
        return this.exec(pod, req.query);
      case 'attach':
        return this.attach(pod, req.query);
      case 'portforward':
        return this.portForward(pod, req.query);
      default:
        throw errors.resourceNotFound(`pods/${subresource}`);
    }
  }

  private async logs(pod: PodView, query: URLSearchParams): Promise<ConnectHandler> {
    const options = parsePodLogOptions(query, pod.metadata.name ?? '');
    const container = chooseContainer(pod, options.container);
    const nodeName = pod.spec?.nodeName;
    // kube-apiserver answers an unscheduled pod's logs with an empty body.
    if (!nodeName) return new LogStream(undefined);
    const runtime = this.runtimeOf(nodeName);
    const containerId = logContainerId(pod, container, options.previous);
    await this.checkExists(runtime, containerId, pod, container);
    return new LogStream({
      runtime,
      containerId,
      options: { follow: options.follow, tailLines: options.tailLines, since: logsSince(options, this.now()) },
      timestamps: options.timestamps,
      limitBytes: options.limitBytes,
    });
  }

  private exec(pod: PodView, query: URLSearchParams): ConnectHandler {
    const options = parseExecOptions(query);
    const { runtime, containerId } = this.runningContainer(pod, options.container);
    return new RemoteCommand({
      streams: options,
      command: options.command,
      failurePrefix: 'error executing command in container',
      start: async () => {
        const session = await runtime.exec(containerId, { command: options.command, tty: options.tty, stdin: options.stdin });
        return { session, exitCode: session.exitCode };
      },
    });
  }

  private attach(pod: PodView, query: URLSearchParams): ConnectHandler {
    const options = parseAttachOptions(query);
    const { runtime, containerId, container } = this.runningContainer(pod, options.container);
    // Whether the process has a terminal was fixed when it started: the spec decides, as in the kubelet.
    const spec = containerSpec(pod, container);
    const tty = spec?.tty ?? false;
    const streams = { ...options, tty, stderr: tty ? false : options.stderr };
    return new RemoteCommand({
      streams,
      failurePrefix: 'error attaching to container',
      start: async () => ({ session: await runtime.attach(containerId, { stdin: options.stdin, tty, stdinOnce: spec?.stdinOnce ?? false }) }),
    });
  }

  /** The kubelet's port forwarding, to the pod's running sandbox. */
  private portForward(pod: PodView, query: URLSearchParams): ConnectHandler {
    // PodPortForwardOptions are decoded before the pod's node is asked anything.
    const ports = parsePortForwardPorts(query);
    const runtime = this.nodeRuntime(pod);
    return new PortForward(() => sandboxTarget(runtime, pod, this.dialFor), ports);
  }

  /** streamLocation's checks, then the kubelet's: a named, scheduled, running container. */
  private runningContainer(pod: PodView, requested: string): { runtime: Runtime; containerId: string; container: string } {
    const container = chooseContainer(pod, requested);
    const runtime = this.nodeRuntime(pod);
    return { runtime, containerId: runningContainerId(pod, container), container };
  }

  /** The runtime of the node the pod is bound to (streamLocation: an unscheduled pod has none). */
  private nodeRuntime(pod: PodView): Runtime {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
    return this.runtimeOf(nodeName);
  }

  private runtimeOf(nodeName: string): Runtime {
    const runtime = this.runtimeFor(nodeName);
    if (!runtime) throw errors.serviceUnavailable(`no container runtime is serving node "${nodeName}": its kubelet is not running, so pod logs, exec, attach and port forwarding are not available there`);
    return runtime;
  }

  /** A container the status names but the runtime no longer has (removed, or the engine was reset). */
  private async checkExists(runtime: Runtime, containerId: string, pod: PodView, container: string): Promise<void> {
    try {
      await runtime.containerStatus(containerId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(pod.metadata.name)}: its instance ${containerId.slice(0, 12)} no longer exists on node "${runtime.node}"`);
      }
      throw errors.serviceUnavailable(`the container runtime of node "${runtime.node}" did not answer: ${(error as Error).message}`);
    }
  }
}

/**
 * Serves pods/log, exec, attach and portforward from the Runtime of each pod's node. The
 * cluster calls this once, with the kubelets' runtime lookup.
 */
export function installPodStreaming(apiServer: ApiServer, runtimeFor: RuntimeLookup): PodStreams {
  const streams = new PodStreams(runtimeFor);
  apiServer.subresources.podConnector = streams;
  return streams;
}
