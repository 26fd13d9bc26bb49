// Keeps the add-on's configuration in step with the Service table: every
// change is written into the container (coalesced: one write at a time, the
// latest state wins), with a generation that only grows, across restarts of
// PodLab too, so the add-on never mistakes a new configuration for one it
// has applied.

import type Docker from 'dockerode';
import { buildAddonConfig, type AddonSettings } from './addonConfig.ts';
import { appliedGeneration, writeAddonConfig } from './addonContainer.ts';
import type { ServiceTable } from './serviceTable.ts';
import type { PolicyTable } from '../addon/policy.ts';
import type { ServiceProxyJourney } from './serviceProxyJourney.ts';

const COALESCE_MS = 20;
const RETRY_MS = 2000;

export class AddonSync {
  private generation = Date.now();
  private written = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private policies: PolicyTable = {};

  constructor(
    private readonly docker: Docker,
    private containerId: string,
    private readonly table: ServiceTable,
    private readonly settings: AddonSettings,
    private readonly onError: (error: unknown) => void = (error) => console.error('cluster add-on: writing its configuration failed:', error),
    /** Records, in pods' journeys, the write that took their address in as a ready endpoint. */
    private readonly journey?: ServiceProxyJourney,
  ) {
    this.unsubscribe = table.onChange(() => this.schedule());
  }

  /** Writes the current state now; resolves with its generation once written. */
  async sync(): Promise<number> {
    this.dirty = true;
    while (this.writing) await this.writing;
    if (this.dirty) await this.write();
    return this.written;
  }

  /** NetworkPolicy isolation for the add-on's Service connections; written with the next configuration. */
  setPolicies(policies: PolicyTable): void {
    this.policies = policies;
    this.schedule();
  }

  /** Writes to another add-on container from now on (a recreated one), starting with the current state. */
  async retarget(containerId: string): Promise<void> {
    this.containerId = containerId;
    await this.sync();
  }

  /** Resolves once the add-on has applied everything written so far. */
  async applied(timeoutMs = 15_000): Promise<void> {
    const wanted = await this.sync();
    const deadline = Date.now() + timeoutMs;
    while (((await appliedGeneration(this.docker, this.containerId)) ?? 0) < wanted) {
      if (Date.now() > deadline) throw new Error(`the cluster add-on did not apply configuration ${wanted} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.timer);
  }

  private schedule(delay = COALESCE_MS): void {
    this.dirty = true;
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.writing) return this.schedule();
      void this.write();
    }, delay);
  }

  private write(): Promise<void> {
    this.dirty = false;
    const generation = ++this.generation;
    const services = this.table.list();
    const config = buildAddonConfig(generation, this.settings, services, this.policies);
    const recorded = this.journey?.begin(services);
    this.writing = writeAddonConfig(this.docker, this.containerId, config)
      .then(
        () => {
          this.written = generation;
          recorded?.written({ generation, proxy: 'cluster add-on' });
        },
        (error: unknown) => {
          recorded?.failed(error);
          this.onError(error);
          if (!this.stopped) this.schedule(RETRY_MS);
        },
      )
      .finally(() => {
        this.writing = undefined;
      });
    return this.writing;
  }
}
