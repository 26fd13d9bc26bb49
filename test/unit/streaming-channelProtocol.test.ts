// chooseProtocol: the WebSocket channel protocol an exec, attach or
// port-forward upgrade gets, from what the client offers.

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { StatusError } from '../../main/apiserver/errors.ts';
import { chooseProtocol } from '../../main/kubelet/streaming/channelConnection.ts';

const upgrade = (protocols: string) => ({ headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-protocol': protocols } }) as unknown as IncomingMessage;

test('takes the first protocol offered that is served', () => {
  assert.equal(chooseProtocol(upgrade('v9.channel.k8s.io, v5.channel.k8s.io, v4.channel.k8s.io')), 'v5.channel.k8s.io');
});

test('a name every object inherits ("constructor", "toString") is not a protocol the server speaks: 400, not a broken stream', () => {
  assert.throws(
    () => chooseProtocol(upgrade('constructor, toString')),
    (err: unknown) => err instanceof StatusError && err.status.code === 400 && /requested protocol\(s\) are not supported: \[constructor toString\]/.test(err.status.message ?? ''),
  );
});
