// Port forwarding for the UI and the `podlab port-forward` command: listens
// on 127.0.0.1 and joins every connection to the target pod's port, reached
// from the host as any pod port is (its published port when the pod declares
// it, else the add-on's tunnel: any port works). The target is checked once
// before listening, so a wrong name fails at once, and again for each
// connection (see TargetResolver).

import type Docker from 'dockerode';
import { createServer, type Server, type Socket } from 'node:net';
import { splice } from '../../addon/splice.ts';
import type { KubeClient } from '../../kube/client/types.ts';
import { dockerClient } from '../../runtime/docker/engine.ts';
import { PodDialer, type PodAddress } from '../podDialer.ts';
import { TargetResolver, parsePorts, parseTarget, type ResolvedPod } from './forwardTarget.ts';
import { readerFromClient, type ObjectReader } from './objectReader.ts';

const LOCALHOST = '127.0.0.1';

/** Where to read objects and how to reach pods: a running cluster, or an API client (or reader) plus the cluster's name. */
export type PortForwardSource =
  | { readonly name: string; client(component: string): KubeClient }
  | { cluster: string; client?: KubeClient; reader?: ObjectReader; docker?: Docker; dial?: (target: PodAddress) => Promise<Socket> };

export interface PortForwardOptions {
  namespace?: string;
  /** Each connection, once joined to a pod (the CLI prints kubectl's "Handling connection for"). */
  onConnection?: (pod: ResolvedPod) => void;
  onError?: (error: Error) => void;
}

export interface PortForward {
  localPort: number;
  stop(): Promise<void>;
}

/** `target`: `pod/NAME`, `svc/NAME`, `deploy/NAME`; `ports`: `[LOCAL:]REMOTE`. */
export async function startPortForward(source: PortForwardSource, target: string, ports: string, options: PortForwardOptions = {}): Promise<PortForward> {
  const { reader, dial } = connectionsFor(source);
  const pair = parsePorts(ports);
  const resolver = new TargetResolver(reader, options.namespace ?? 'default', parseTarget(target), pair.remote);
  await resolver.resolve();

  const connections = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    resolver
      .resolve()
      .then(async (pod) => {
        const upstream = await dial({ address: pod.ip, port: pod.port });
        options.onConnection?.(pod);
        connections.add(upstream);
        upstream.on('close', () => connections.delete(upstream));
        splice(client, upstream);
      })
      .catch((error: Error) => {
        options.onError?.(error);
        client.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(pair.local, LOCALHOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    localPort: typeof address === 'object' && address ? address.port : pair.local,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function connectionsFor(source: PortForwardSource): { reader: ObjectReader; dial: (target: PodAddress) => Promise<Socket> } {
  if ('name' in source) {
    const dialer = new PodDialer(dockerClient(), source.name);
    return { reader: readerFromClient(source.client('port-forward')), dial: (target) => dialer.dial(target) };
  }
  const reader = source.reader ?? (source.client ? readerFromClient(source.client) : undefined);
  if (!reader) throw new Error('startPortForward needs a client or a reader');
  if (source.dial) return { reader, dial: source.dial };
  const dialer = new PodDialer(source.docker ?? dockerClient(), source.cluster);
  return { reader, dial: (target) => dialer.dial(target) };
}
