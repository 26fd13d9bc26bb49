// One connection to a pod's port through the Kubernetes API, as the
// JavaScript and Python clients open it: a WebSocket to
// pods/NAME/portforward?ports=PORT with the kubelet's channel protocol
// (v4.channel.k8s.io; pkg/kubelet/cri/streaming/portforward/websocket.go).
// Each message starts with its channel: 0 carries the data, 1 an error in
// words; the first two bytes on each channel are the port (little-endian),
// not payload. kube-apiserver hands this to the kubelet unchanged, and
// PodLab's API server serves it too. v4 has no half-close: the end of either
// side ends the WebSocket, and the tunnel with it.

import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { lazyModule } from '../lazyModule.ts';
import { connectionOptions, type ApiEndpoint } from '../kube/client/apiEndpoint.ts';
import { rejectRefusedUpgrade } from './apiFailure.ts';
import { BridgeFailure } from './bridgeError.ts';
import { WebSocketDuplex } from '../kube/webSocketDuplex.ts';

// Loaded on first use, not when PodLab starts: the API server answers before anything needs it.
const wsPackage = lazyModule<typeof WebSocket>('ws');

const DATA = 0;
const ERROR = 1;
const PORT_PREFIX_BYTES = 2;

export const PORT_FORWARD_CHANNEL_PROTOCOL = 'v4.channel.k8s.io';

/** The pod's port as a byte stream; destroyed with the error-channel text (a BridgeFailure) when the node reports one. */
class PodPortTunnel extends WebSocketDuplex {
  /** Bytes of the port prefix still to skip, per channel. */
  private readonly prefix = { [DATA]: PORT_PREFIX_BYTES, [ERROR]: PORT_PREFIX_BYTES };
  private errorText = '';

  protected payload(message: Buffer): Buffer | undefined {
    const channel = message[0];
    if (channel !== DATA && channel !== ERROR) return undefined;
    const skip = Math.min(this.prefix[channel], message.length - 1);
    this.prefix[channel] -= skip;
    const payload = message.subarray(1 + skip);
    if (channel === DATA || payload.length === 0) return payload;
    this.errorText += payload.toString();
    this.destroy(new BridgeFailure(this.errorText));
    return undefined;
  }

  protected override frame(chunk: Buffer): Buffer {
    return Buffer.concat([Buffer.from([DATA]), chunk]);
  }

  /** The node's own error ends the WebSocket cleanly: the connection is fine, the pod's port was not. */
  protected override closesCleanlyOn(error: Error): boolean {
    return error instanceof BridgeFailure;
  }
}

/** Resolves once the API server accepted the upgrade; rejects with its answer (403 with the can-i, 404, 400) when it did not. */
export function openPodPortTunnel(endpoint: ApiEndpoint, namespace: string, pod: string, port: number): Promise<Duplex> {
  const url = `${endpoint.url.replace(/^http/, 'ws')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
  const ws = new (wsPackage())(url, [PORT_FORWARD_CHANNEL_PROTOCOL], connectionOptions(endpoint));
  return new Promise((resolve, reject) => {
    rejectRefusedUpgrade(ws, { namespace, subresource: 'portforward' }, reject);
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(new PodPortTunnel(ws));
    });
  });
}
