// client-go's flowcontrol.Backoff, which the kubelet uses for crash-looping
// containers (key: pod uid + container name) and for failed image pulls (key:
// pod uid + image): each failure doubles the wait, up to a maximum, and an
// entry untouched for twice the maximum starts over. Times are milliseconds
// on the injected clock; no jitter, so tests can predict every step.

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly settings: BackoffSettings,
    private readonly now: () => number,
  ) {}

  /** The current wait for `id`, 0 when it has none. */
  get(id: string): number {
    return this.entries.get(id)?.backoffMs ?? 0;
  }

  /** Records a failure at `eventTime`: starts at the initial wait or doubles it. */
  next(id: string, eventTime: number): void {
    const entry = this.entries.get(id);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) {
      this.entries.set(id, { backoffMs: this.settings.initialMs, lastUpdate: this.now() });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.settings.maxMs);
    entry.lastUpdate = this.now();
  }

  /** Whether the wait that started at `eventTime` (a container's finish) is still running. */
  isInBackOffSince(id: string, eventTime: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) return false;
    return this.now() - eventTime < entry.backoffMs;
  }

  /** Whether the wait that started at the last failure is still running (image pulls). */
  isInBackOffSinceUpdate(id: string, eventTime: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.hasExpired(eventTime, entry.lastUpdate)) return false;
    return eventTime - entry.lastUpdate < entry.backoffMs;
  }

  /** When the wait that started at `since` ends, for requeueing the pod exactly then. */
  expiresAt(id: string, since: number): number | undefined {
    const entry = this.entries.get(id);
    return entry ? since + entry.backoffMs : undefined;
  }

  lastUpdate(id: string): number | undefined {
    return this.entries.get(id)?.lastUpdate;
  }

  reset(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets entries idle for twice the maximum (what Backoff.GC does). */
  gc(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (now - entry.lastUpdate > this.settings.maxMs * 2) this.entries.delete(id);
  }

  private hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.settings.maxMs * 2;
  }
}
