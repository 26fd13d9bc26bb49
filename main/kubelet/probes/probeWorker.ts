// One probe type of one container, as the kubelet's worker.go: probe at
// once, then every periodSeconds; nothing before initialDelaySeconds of the
// container running; liveness and readiness wait for the startup probe, which
// stops probing once it succeeded; a result counts only after
// successThreshold (or failureThreshold) equal results in a row; a liveness
// or startup failure puts the worker on hold until a new container instance
// appears. Each new instance starts from the initial value: readiness
// failure, liveness success, startup unknown.
//
// One difference, on purpose: a new container instance also starts the
// consecutive-result counts over (worker.go carries them across restarts, so
// a restarted container could count successes its predecessor earned), and
// the kubelet reports instances as they change instead of the worker polling
// the status manager. Kubernetes' random start delay after a kubelet restart
// is left out: it exists to spread thousands of workers, and it would make
// the first probe time unpredictable in tests.

import type { Clock, Timer } from '../../kube/clock.ts';
import type { ProbeKind } from '../probeResults.ts';
import type { Container, Pod, Probe } from '../types.ts';
import type { ProbeHistory } from './probeHistory.ts';
import type { Prober } from './prober.ts';
import type { ResultsManager, WorkerResult } from './resultsManager.ts';

/** A container instance as the kubelet sees it in the runtime; the kubelet's RuntimeContainerStatus fits. */
export interface ContainerInstance {
  id: string;
  state: 'created' | 'running' | 'exited' | 'unknown';
  /** When it started running, in ms since the epoch on the manager's clock. */
  startedAt?: number;
}

export interface WorkerContext {
  clock: Clock;
  prober: Pick<Prober, 'probe'>;
  results: ResultsManager;
  history: ProbeHistory;
  /** The newest instance of the worker's container, as the kubelet last reported it. */
  instance(): ContainerInstance | undefined;
  /** Whether that instance has started: its startup probe succeeded, or it has none. */
  started(containerId: string): boolean;
  /** The worker ended on its own (its container is done for good). */
  exited(worker: ProbeWorker): void;
}

const INITIAL_VALUE: Record<ProbeKind, WorkerResult> = { readiness: 'failure', liveness: 'success', startup: 'unknown' };

/** Defaults the API server applies; repeated so a pod that skipped defaulting still probes sanely. */
function withDefaults(spec: Probe) {
  return {
    initialDelaySeconds: spec.initialDelaySeconds ?? 0,
    periodMs: (spec.periodSeconds || 10) * 1000,
    successThreshold: spec.successThreshold || 1,
    failureThreshold: spec.failureThreshold || 3,
  };
}

export class ProbeWorker {
  private readonly settings: ReturnType<typeof withDefaults>;
  private containerId: string | undefined;
  private lastResult: WorkerResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private timer: Timer | undefined;
  private probing = false;
  private pending = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly context: WorkerContext,
    readonly kind: ProbeKind,
    readonly pod: Pod,
    readonly container: Container,
    spec: Probe,
  ) {
    this.settings = withDefaults(spec);
  }

  start(): void {
    this.timer = this.context.clock.setTimeout(this.tick, this.settings.periodMs);
    this.run();
  }

  /** Probe now rather than at the next period (a run in progress is followed by one more). */
  trigger(): void {
    this.run();
  }

  /** The kubelet reported a change of the container: take in a new instance, or one that stopped running, at once. */
  containerChanged(): void {
    if (this.stopped) return;
    if (this.observe() === 'stop') this.exit();
  }

  /** Ends probing and forgets the result of the current instance. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.abort.abort();
    if (this.containerId) this.context.results.remove(this.containerId);
  }

  private readonly tick = () => {
    this.timer = this.context.clock.setTimeout(this.tick, this.settings.periodMs);
    this.run();
  };

  private run(): void {
    if (this.stopped) return;
    // Like Go's buffered tick channel: one run waits behind the current one, never more.
    if (this.probing) {
      this.pending = true;
      return;
    }
    this.probing = true;
    void this.doProbe()
      .catch(() => true)
      .then((keepGoing) => {
        this.probing = false;
        if (!keepGoing) return this.exit();
        if (this.pending) {
          this.pending = false;
          this.run();
        }
      });
  }

  private exit(): void {
    if (this.stopped) return;
    this.stop();
    this.context.exited(this);
  }

  /** The container part of doProbe: a new instance resets the worker; a stopped one reads as failing. */
  private observe(): 'probe' | 'wait' | 'stop' {
    const instance = this.context.instance();
    if (!instance) return 'wait';
    const { results } = this.context;
    if (instance.id !== this.containerId) {
      if (this.containerId) results.remove(this.containerId);
      this.containerId = instance.id;
      results.set(instance.id, INITIAL_VALUE[this.kind], this.pod);
      this.onHold = false;
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    if (this.onHold) return 'wait';
    if (instance.state !== 'running') {
      results.set(instance.id, 'failure', this.pod);
      // A container that exited and will not be restarted needs no more probing.
      return instance.state === 'exited' && this.pod.spec.restartPolicy === 'Never' ? 'stop' : 'wait';
    }
    return 'probe';
  }

  private async doProbe(): Promise<boolean> {
    const observed = this.observe();
    if (observed !== 'probe') return observed === 'wait';
    const { clock, results, prober, history } = this.context;
    const instance = this.context.instance()!;
    const id = instance.id;

    if (this.pod.metadata.deletionTimestamp && (this.kind === 'liveness' || this.kind === 'startup')) {
      // A pod being deleted is not restarted for failing probes: report success and stop.
      results.set(id, 'success', this.pod);
      return false;
    }
    if (instance.startedAt !== undefined && Math.trunc((clock.now() - instance.startedAt) / 1000) < this.settings.initialDelaySeconds) return true;
    if (this.context.started(id)) {
      if (this.kind === 'startup') return true;
    } else if (this.kind !== 'startup') {
      return true;
    }

    const startedAt = clock.now();
    const run = await prober.probe(this.kind, this.pod, this.container, id, this.abort.signal);
    // Stopped, or the container was replaced while the probe ran: the result is about nothing current.
    if (this.stopped || this.containerId !== id) return true;
    history.add(this.pod.metadata.uid ?? '', this.container.name, this.kind, {
      time: startedAt,
      containerId: id,
      outcome: run.error !== undefined ? 'error' : run.result,
      latencyMs: clock.now() - startedAt,
      message: run.message,
    });
    if (run.error !== undefined) return true;

    if (this.lastResult === run.result) {
      this.resultRun++;
    } else {
      this.lastResult = run.result;
      this.resultRun = 1;
    }
    const { failureThreshold, successThreshold } = this.settings;
    if ((run.result === 'failure' && this.resultRun < failureThreshold) || (run.result === 'success' && this.resultRun < successThreshold)) return true;

    results.set(id, run.result, this.pod);
    if ((this.kind === 'liveness' || this.kind === 'startup') && run.result === 'failure') {
      // The container will be restarted; probing it while it stops only adds noise (kubernetes#21751).
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
