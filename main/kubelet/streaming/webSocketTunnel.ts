// A WebSocket as a plain byte stream, the way client-go's TunnelingConnection
// sees it (k8s.io/client-go/tools/portforward/tunneling_connection.go): the
// bytes are the binary messages' contents one after the other, message
// boundaries mean nothing, a text message is an error, and the end is a
// normal closure (1000), which the client reads as EOF.

import { WebSocketDuplex } from '../../kube/webSocketDuplex.ts';

export class WebSocketTunnel extends WebSocketDuplex {
  protected payload(message: Buffer, isBinary: boolean): Buffer | undefined {
    if (isBinary) return message;
    this.destroy(new Error('a text message on a tunneling WebSocket: only binary messages carry the tunnel'));
    return undefined;
  }
}
