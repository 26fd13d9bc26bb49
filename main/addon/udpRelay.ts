// UDP for one ClusterIP:port. UDP has no connections, so each client address
// is a flow: its first datagram picks an endpoint (round robin), later ones
// and the endpoint's answers follow it until the flow has been idle for a
// while (kube-proxy relies on conntrack's UDP timeout the same way).

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Target } from './backends.ts';

const FLOW_IDLE_MS = 30_000;

interface Flow {
  upstream: Socket;
  timer: NodeJS.Timeout;
  /** Datagrams that arrived while the upstream socket was still connecting. */
  queued?: Buffer[];
}

export class UdpRelay {
  private readonly flows = new Map<string, Flow>();

  /** `targets` gives the endpoints in the order to use for a new flow from `client` (an IP). */
  constructor(
    private readonly socket: Socket,
    private readonly targets: (client: string) => Target[],
  ) {
    socket.on('message', (message, client) => this.forward(message, client));
    socket.on('error', (error) => console.error(`udp ${this.describe()}: ${error.message}`));
  }

  static async bind(address: string, port: number, targets: (client: string) => Target[]): Promise<UdpRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpRelay(socket, targets);
  }

  private describe(): string {
    const address = this.socket.address();
    return `${address.address}:${address.port}`;
  }

  private forward(message: Buffer, client: RemoteInfo): void {
    const key = `${client.address}:${client.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      const target = this.targets(client.address)[0];
      if (!target) return;
      const upstream = createSocket('udp4');
      upstream.on('message', (answer) => {
        this.touch(key);
        this.socket.send(answer, client.port, client.address);
      });
      upstream.on('error', () => this.drop(key));
      const created: Flow = { upstream, timer: setTimeout(() => this.drop(key), FLOW_IDLE_MS), queued: [message] };
      this.flows.set(key, created);
      upstream.connect(target.port, target.address, () => {
        const queued = created.queued ?? [];
        delete created.queued;
        for (const datagram of queued) this.send(key, created, datagram);
      });
      return;
    }
    this.touch(key);
    if (flow.queued) flow.queued.push(message);
    else this.send(key, flow, message);
  }

  private send(key: string, flow: Flow, datagram: Buffer): void {
    flow.upstream.send(datagram, (error) => error && this.drop(key));
  }

  private touch(key: string): void {
    const flow = this.flows.get(key);
    if (flow) flow.timer.refresh();
  }

  private drop(key: string): void {
    const flow = this.flows.get(key);
    if (!flow) return;
    this.flows.delete(key);
    clearTimeout(flow.timer);
    flow.upstream.close();
  }

  close(): void {
    for (const key of [...this.flows.keys()]) this.drop(key);
    this.socket.close();
  }
}
