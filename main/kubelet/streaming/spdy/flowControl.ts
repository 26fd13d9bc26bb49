// SPDY/3.1 flow control (2.6.8): every stream and the session as a whole
// have a window per direction, 64 KiB to start. A sender may put on the wire
// only as many data bytes as both the stream's and the session's windows of
// its peer allow; the receiver grows them again with WINDOW_UPDATE as it
// hands the data on. SETTINGS_INITIAL_WINDOW_SIZE changes every stream
// window (never the session's) by the difference.
//
// One thing the draft does not say: the peer PodLab meets most, kubectl (and
// every Go client and the kubelet) speaks SPDY through moby/spdystream, which
// has no flow control at all: it never sends WINDOW_UPDATE (its issue #2,
// "Implement flow control", has been open since 2014) and slows a sender only
// by reading its socket more slowly. A sender that waited for its updates would
// stall after the first 64 KiB of every stream. So the windows are kept from
// the first byte, but enforced only once the peer shows it takes part: a
// SETTINGS frame with an initial window size, or a WINDOW_UPDATE. Towards a
// peer that never does, TCP's own backpressure (the transport's buffer filling)
// is what holds the sender, as it is between kubectl and the kubelet.

export const INITIAL_WINDOW_SIZE = 64 * 1024;
export const MAX_WINDOW_SIZE = 0x7fffffff;

/** How much this side may still send the peer, on one stream or on the session. */
export class SendWindow {
  private size: number;

  constructor(initial = INITIAL_WINDOW_SIZE) {
    this.size = initial;
  }

  get available(): number {
    return this.size;
  }

  consume(bytes: number): void {
    this.size -= bytes;
  }

  /** A WINDOW_UPDATE; false when it would pass 2^31-1, a FLOW_CONTROL_ERROR. */
  grow(delta: number): boolean {
    if (this.size + delta > MAX_WINDOW_SIZE) return false;
    this.size += delta;
    return true;
  }

  /** A new SETTINGS_INITIAL_WINDOW_SIZE moves open stream windows by the difference, below zero if need be. */
  adjust(delta: number): void {
    this.size += delta;
  }
}

/** How much the peer may still send this side, and when to tell it that it may send more. */
export class ReceiveWindow {
  private remaining: number;
  private unannounced = 0;

  constructor(readonly size = INITIAL_WINDOW_SIZE) {
    this.remaining = size;
  }

  /** Bytes that arrived; false when the peer sent more than the window allowed. */
  receive(bytes: number): boolean {
    this.remaining -= bytes;
    return this.remaining >= 0;
  }

  /**
   * Bytes handed on (to the pod, or dropped): the WINDOW_UPDATE to send now,
   * or 0 while less than half the window waits to be announced (one update
   * per half window, not one per frame).
   */
  consume(bytes: number): number {
    this.unannounced += bytes;
    if (this.unannounced < this.size / 2) return 0;
    const delta = this.unannounced;
    this.unannounced = 0;
    this.remaining += delta;
    return delta;
  }
}

/** The sending side of a session: its own window, each stream's, and whether the peer is known to use them. */
export class SendFlow {
  readonly session = new SendWindow();
  private initialStreamWindow = INITIAL_WINDOW_SIZE;
  private enforced = false;
  private readonly streams = new Set<SendWindow>();
  private waiters = new Set<() => void>();

  /** The window of a new stream, sized as the peer's latest SETTINGS say. */
  openStream(): SendWindow {
    const window = new SendWindow(this.initialStreamWindow);
    this.streams.add(window);
    return window;
  }

  closeStream(window: SendWindow): void {
    this.streams.delete(window);
  }

  get enforcing(): boolean {
    return this.enforced;
  }

  /** The peer sent a WINDOW_UPDATE or an initial window size: from now on its windows hold. */
  peerUsesFlowControl(): void {
    this.enforced = true;
    this.wake();
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE. */
  setInitialStreamWindow(size: number): void {
    const delta = size - this.initialStreamWindow;
    this.initialStreamWindow = size;
    for (const window of this.streams) window.adjust(delta);
    this.peerUsesFlowControl();
  }

  /** A WINDOW_UPDATE for `window` (the session's or a stream's); false on overflow. */
  grow(window: SendWindow, delta: number): boolean {
    const grown = window.grow(delta);
    this.peerUsesFlowControl();
    return grown;
  }

  /** How many bytes may go out on the stream now (Infinity while the peer shows no flow control). */
  allowance(stream: SendWindow): number {
    if (!this.enforced) return Infinity;
    return Math.max(0, Math.min(stream.available, this.session.available));
  }

  /** Counts bytes put on the wire against both windows. */
  sent(stream: SendWindow, bytes: number): void {
    stream.consume(bytes);
    this.session.consume(bytes);
  }

  /** Resolves at the next change of any window (the caller looks at its allowance again), or when released. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Wakes every waiter: the session ends, or windows moved. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const resolve of waiters) resolve();
  }
}
