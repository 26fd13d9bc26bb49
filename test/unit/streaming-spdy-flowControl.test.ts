// SPDY/3.1 flow-control accounting: send windows shrink with what goes out
// and grow with WINDOW_UPDATE (never past 2^31-1), SETTINGS move open stream
// windows, the session window limits every stream, receive windows announce
// updates by half windows, and nothing is held back until the peer shows it
// takes part in flow control.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE, ReceiveWindow, SendFlow, SendWindow } from '../../main/kubelet/streaming/spdy/flowControl.ts';

describe('SPDY flow control', () => {
  it('a send window shrinks with data sent and grows with updates, refusing to pass 2^31-1', () => {
    const window = new SendWindow();
    assert.equal(window.available, INITIAL_WINDOW_SIZE);
    window.consume(60_000);
    assert.equal(window.available, INITIAL_WINDOW_SIZE - 60_000);
    assert.equal(window.grow(10_000), true);
    assert.equal(window.available, INITIAL_WINDOW_SIZE - 50_000);
    assert.equal(window.grow(MAX_WINDOW_SIZE), false);
    assert.equal(window.available, INITIAL_WINDOW_SIZE - 50_000, 'an overflowing update changes nothing');
  });

  it('enforces nothing until the peer takes part, but counts from the first byte', () => {
    const flow = new SendFlow();
    const stream = flow.openStream();
    assert.equal(flow.allowance(stream), Infinity);
    flow.sent(stream, 100_000);
    assert.equal(stream.available, INITIAL_WINDOW_SIZE - 100_000);
    assert.equal(flow.session.available, INITIAL_WINDOW_SIZE - 100_000);
    // The first WINDOW_UPDATE: from now on the windows hold, with what was already sent counted.
    assert.equal(flow.grow(stream, 20_000), true);
    assert.equal(flow.enforcing, true);
    assert.equal(flow.allowance(stream), 0);
    flow.grow(flow.session, 100_000);
    assert.equal(flow.allowance(stream), 0, 'the stream window is still below zero');
    flow.grow(stream, 50_000);
    assert.equal(flow.allowance(stream), INITIAL_WINDOW_SIZE - 30_000);
  });

  it('the smaller of the stream and the session window applies', () => {
    const flow = new SendFlow();
    flow.peerUsesFlowControl();
    const a = flow.openStream();
    const b = flow.openStream();
    flow.sent(a, 50_000);
    assert.equal(flow.allowance(a), INITIAL_WINDOW_SIZE - 50_000);
    assert.equal(flow.allowance(b), INITIAL_WINDOW_SIZE - 50_000, 'the session window is shared');
    flow.grow(flow.session, 1_000_000);
    assert.equal(flow.allowance(b), INITIAL_WINDOW_SIZE);
  });

  it('SETTINGS_INITIAL_WINDOW_SIZE moves open stream windows by the difference, below zero if need be, and sizes new ones', () => {
    const flow = new SendFlow();
    const stream = flow.openStream();
    flow.sent(stream, 30_000);
    flow.setInitialStreamWindow(16_384);
    assert.equal(flow.enforcing, true);
    assert.equal(stream.available, 16_384 - 30_000);
    assert.equal(flow.allowance(stream), 0);
    assert.equal(flow.openStream().available, 16_384);
    flow.closeStream(stream);
    flow.setInitialStreamWindow(65_536);
    assert.equal(stream.available, 16_384 - 30_000, 'a closed stream is left alone');
  });

  it('wakes whoever waits for a window when one changes', async () => {
    const flow = new SendFlow();
    flow.peerUsesFlowControl();
    const stream = flow.openStream();
    flow.sent(stream, INITIAL_WINDOW_SIZE);
    const changed = flow.changed();
    flow.grow(stream, 1);
    await changed;
    assert.equal(flow.allowance(stream), 0, 'the session window is still spent');
  });

  it('a receive window announces consumed bytes once half the window has gathered', () => {
    const window = new ReceiveWindow();
    assert.equal(window.receive(40_000), true);
    assert.equal(window.consume(20_000), 0);
    assert.equal(window.consume(12_768), 32_768);
    assert.equal(window.receive(INITIAL_WINDOW_SIZE - 40_000 + 32_768), true, 'the update made room');
    assert.equal(window.receive(1), false, 'one byte more than allowed');
  });
});
