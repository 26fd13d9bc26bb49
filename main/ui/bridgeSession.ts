// One renderer's conversation with the main side: an Electron window, or a
// browser-mode WebSocket. It answers every call of the contract, pushes the
// events of the watches and streams it started, and ends them all when the
// window or socket goes away (or the cluster changes under it).

import type { BridgeEvents, CallName, CallResponse, Envelope, EventName, LogRequest } from '../../preload/api.ts';
import { isCallName } from '../../preload/api.ts';
import { checkCapacity, type NodeControl } from '../cluster/nodes/nodeControl.ts';
import { diagnoseWorkload, refusedRequests } from './admissionDiagnosis.ts';
import { applyYaml } from './apply/applyYaml.ts';
import { badRequest, statusFailure, toBridgeError } from './bridgeError.ts';
import { diagnose } from './diagnose.ts';
import { applyFix, previewFix } from './fixes/applyFix.ts';
import { checkFix } from './fixes/checkFix.ts';
import { listProblems } from './problems.ts';
import { podTrace, podTraceOtlp } from './podTrace.ts';
import { fixCheckRequest, fixRequest } from './fixes/fixRequest.ts';
import { ExecSessions } from './execSessions.ts';
import { LogSessions } from './logSessions.ts';
import { PortForwards } from './portForwards.ts';
import { deleteObject, getObject, objectYaml } from './objects.ts';
import { podProbeHistory, ProbeFollows } from './probeHistory.ts';
import { deleteImpact } from './resources/deleteImpact.ts';
import { dryRunEdit, updateObject, replaceEditedPod } from './resources/edit.ts';
import { servedKinds } from './resources/kinds.ts';
import { ownedObjects } from './resources/ownership.ts';
import { resourceTable } from './resources/table.ts';
import {
  deleteRequest,
  editRequest,
  isRecord,
  objectRef,
  optionalPropagationPolicy,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requestObject,
  requiredInteger,
  requiredString,
  selection,
} from './requestFields.ts';
import type { ClusterConnection, UiHost } from './uiHost.ts';
import { WatchManager } from './watchManager.ts';
import { history, restart, rollback, scale, setSuspended, triggerCronJob } from './workloads.ts';

export type EventSink = <E extends EventName>(event: E, payload: BridgeEvents[E]) => void;

type Handlers = { [K in CallName]: (request: unknown) => Promise<CallResponse<K>> | CallResponse<K> };

function logRequest(request: unknown): LogRequest {
  return {
    namespace: requiredString(request, 'namespace'),
    pod: requiredString(request, 'pod'),
    container: optionalString(request, 'container'),
    follow: optionalBoolean(request, 'follow'),
    previous: optionalBoolean(request, 'previous'),
    timestamps: optionalBoolean(request, 'timestamps'),
    tailLines: optionalInteger(request, 'tailLines', 0, 1_000_000),
  };
}

function command(request: unknown): string[] {
  const value = requestObject(request).command;
  if (!Array.isArray(value) || !value.every((part) => typeof part === 'string')) throw badRequest('command must be a list of strings');
  return value;
}

/** Node actions exist only where PodLab runs the nodes. */
function nodesOf(connection: ClusterConnection): NodeControl {
  if (!connection.nodes) throw statusFailure(501, 'NotImplemented', 'PodLab does not run the nodes of this cluster: node actions (stop, start, add, remove) are for PodLab clusters only');
  return connection.nodes;
}

export class BridgeSession {
  private readonly watches: WatchManager;
  private readonly logs: LogSessions;
  private readonly execs: ExecSessions;
  private readonly forwards: PortForwards;
  private readonly probes: ProbeFollows;
  private readonly unsubscribe: () => void;
  private readonly handlers: Handlers;
  private clusterName: string;

  constructor(
    private readonly host: UiHost,
    emit: EventSink,
  ) {
    this.watches = new WatchManager((payload) => emit('watch', payload));
    this.logs = new LogSessions((payload) => emit('logs', payload));
    this.execs = new ExecSessions((payload) => emit('exec', payload));
    this.forwards = new PortForwards((payload) => emit('portForward', payload));
    this.probes = new ProbeFollows((payload) => emit('probes', payload));
    this.clusterName = host.status.get().name;
    this.unsubscribe = host.status.subscribe((status) => {
      // Watches and streams belong to one running cluster; the renderer starts new ones when it sees the change.
      if (status.name !== this.clusterName || status.phase !== 'running') this.endStreams();
      this.clusterName = status.name;
      emit('cluster', status);
    });
    this.handlers = this.createHandlers();
  }

  private createHandlers(): Handlers {
    const host = this.host;
    const connection = () => host.connection();
    return {
      'cluster.status': () => host.status.get(),
      'cluster.list': () => host.clusters(),
      'cluster.switch': async (r) => {
        const runtime = optionalString(r, 'runtime');
        if (runtime !== undefined && runtime !== 'docker' && runtime !== 'simulated') throw badRequest('runtime must be docker or simulated');
        await host.switchCluster(requiredString(r, 'name'), runtime);
      },
      'cluster.create': async (r) => {
        const runtime = optionalString(r, 'runtime');
        if (runtime !== undefined && runtime !== 'docker' && runtime !== 'simulated') throw badRequest('runtime must be docker or simulated');
        await host.createCluster({ name: requiredString(r, 'name'), runtime, nodes: optionalInteger(r, 'nodes', 1, 10) });
      },
      'cluster.delete': (r) => host.deleteCluster(requiredString(r, 'name')),
      'cluster.useContext': async (r) => {
        if (!host.useContext) throw statusFailure(501, 'NotImplemented', 'this PodLab process does not open kubeconfig contexts');
        await host.useContext(requiredString(r, 'context'));
      },
      'nodes.list': () => nodesOf(connection()).machines(),
      'nodes.add': (r) => nodesOf(connection()).addNode(requiredString(r, 'name'), checkCapacity({ cpu: optionalString(r, 'cpu'), memory: optionalString(r, 'memory'), pods: optionalInteger(r, 'pods', 1, 10_000) })),
      'nodes.stop': (r) => nodesOf(connection()).stopNode(requiredString(r, 'name')),
      'nodes.start': (r) => nodesOf(connection()).startNode(requiredString(r, 'name')),
      'nodes.remove': (r) => nodesOf(connection()).removeNode(requiredString(r, 'name')),
      'registries.list': () => host.registries.list(),
      'registries.set': (r) => host.registries.set(requiredString(r, 'server'), requiredString(r, 'username'), requiredString(r, 'password')),
      'registries.remove': (r) => host.registries.remove(requiredString(r, 'server')),
      'objects.list': async (r) => {
        const s = selection(r);
        const list = await connection().client.resource(s.resource).list(s.namespace, { labelSelector: s.labelSelector, fieldSelector: s.fieldSelector });
        return list;
      },
      'objects.get': (r) => getObject(connection().client, objectRef(r)),
      'objects.yaml': async (r) => objectYaml(await getObject(connection().client, objectRef(r))),
      'objects.delete': (r) => deleteObject(connection().client, deleteRequest(r)),
      'objects.apply': (r) => applyYaml(connection().client, connection().kinds, { yaml: requiredString(r, 'yaml'), namespace: optionalString(r, 'namespace') }),
      'resources.kinds': () => servedKinds(connection().discovery),
      'resources.table': (r) => resourceTable(connection().tables, selection(r)),
      'resources.owned': async (r) => {
        const ref = objectRef(r);
        return ownedObjects(connection().client, await servedKinds(connection().discovery), ref);
      },
      'resources.dryRunEdit': (r) => dryRunEdit(connection().client, editRequest(r)),
      'resources.update': (r) => updateObject(connection().client, editRequest(r)),
      'resources.replacePod': (r) => replaceEditedPod(connection().client, editRequest(r), optionalBoolean(r, 'dryRun')),
      'resources.deleteImpact': async (r) => {
        const ref = objectRef(r);
        const policy = optionalPropagationPolicy(r);
        return deleteImpact(connection().client, await servedKinds(connection().discovery), ref, policy);
      },
      'watch.start': (r) => ({ watchId: this.watches.start(connection().client, selection(r)) }),
      'watch.stop': (r) => this.watches.stop(requiredString(r, 'watchId')),
      'workloads.scale': (r) => scale(connection().client, objectRef(r), requiredInteger(r, 'replicas', 0, 10_000)),
      'workloads.restart': (r) => restart(connection().client, objectRef(r)),
      'workloads.history': (r) => history(connection().client, objectRef(r)),
      'workloads.rollback': (r) => rollback(connection().client, objectRef(r), optionalInteger(r, 'toRevision', 1, Number.MAX_SAFE_INTEGER)),
      'workloads.trigger': (r) => triggerCronJob(connection().client, objectRef(r)),
      'workloads.suspend': (r) => setSuspended(connection().client, objectRef(r), optionalBoolean(r, 'suspend')),
      'logs.start': async (r) => ({ streamId: await this.logs.start(connection().client, connection().streams, logRequest(r)) }),
      'logs.stop': (r) => this.logs.stop(requiredString(r, 'streamId')),
      'exec.start': async (r) => {
        const request = {
          namespace: requiredString(r, 'namespace'),
          pod: requiredString(r, 'pod'),
          container: optionalString(r, 'container'),
          command: command(r),
          tty: optionalBoolean(r, 'tty'),
          columns: optionalInteger(r, 'columns', 1, 1000),
          rows: optionalInteger(r, 'rows', 1, 1000),
        };
        return { sessionId: await this.execs.start(connection().client, connection().streams, request) };
      },
      'exec.input': (r) => {
        const data = requestObject(r).data;
        if (typeof data !== 'string') throw badRequest('data must be a string');
        this.execs.input(requiredString(r, 'sessionId'), data);
      },
      'exec.resize': (r) => this.execs.resize(requiredString(r, 'sessionId'), requiredInteger(r, 'columns', 1, 1000), requiredInteger(r, 'rows', 1, 1000)),
      'exec.stop': (r) => this.execs.stop(requiredString(r, 'sessionId')),
      'portForward.start': (r) =>
        this.forwards.start(connection().client, connection().streams, {
          namespace: requiredString(r, 'namespace'),
          pod: requiredString(r, 'pod'),
          port: requiredInteger(r, 'port', 1, 65535),
          localPort: optionalInteger(r, 'localPort', 1, 65535),
        }),
      'portForward.list': (r) => this.forwards.list(optionalString(r, 'namespace'), optionalString(r, 'pod')),
      'portForward.stop': (r) => this.forwards.stop(requiredString(r, 'forwardId')),
      'samples.list': () => host.samples.list(),
      'samples.yaml': (r) => host.samples.yaml(requiredString(r, 'id')),
      'samples.apply': (r) => applyYaml(connection().client, connection().kinds, { yaml: host.samples.yamlToApply(requiredString(r, 'id'), host.status.get().context !== undefined) }),
      'insight.diagnose': (r) => diagnose(connection(), requiredString(r, 'namespace'), requiredString(r, 'name')),
      'insight.trace': (r) => podTrace(connection(), requiredString(r, 'namespace'), requiredString(r, 'name')),
      'insight.traceExport': (r) => podTraceOtlp(connection(), requiredString(r, 'namespace'), requiredString(r, 'name')),
      'insight.problems': (r) => listProblems(connection(), optionalString(r, 'namespace')),
      'fixes.preview': (r) => previewFix(connection().client, connection().kinds, fixRequest(r)),
      'fixes.apply': (r) => applyFix(connection().client, connection().kinds, fixRequest(r)),
      'fixes.check': (r) => checkFix(connection().client, (namespace, name) => diagnose(connection(), namespace, name), fixCheckRequest(r)),
      'insight.diagnoseWorkload': (r) => diagnoseWorkload(connection(), objectRef(r)),
      'insight.refusals': (r) => refusedRequests(connection(), optionalString(r, 'namespace')),
      'probes.history': (r) => podProbeHistory(connection().client, connection().probes, requiredString(r, 'namespace'), requiredString(r, 'name')),
      'probes.follow': (r) => this.probes.start(connection().client, connection().probes, requiredString(r, 'namespace'), requiredString(r, 'name')),
      'probes.unfollow': (r) => this.probes.stop(requiredString(r, 'followId')),
      'settings.get': () => host.settings.get(),
      'settings.update': (r) => host.settings.update(requestObject(r)),
      'app.openExternal': (r) => host.openExternal(requiredString(r, 'url')),
    };
  }

  async call(name: unknown, request: unknown): Promise<Envelope<unknown>> {
    try {
      if (!isCallName(name)) throw statusFailure(404, 'NotFound', `the bridge has no call named ${JSON.stringify(name)}`);
      const handler = this.handlers[name] as (request: unknown) => unknown;
      const result = await handler(isRecord(request) || request === undefined || request === null ? request : requestObject(request));
      return { result: result ?? null };
    } catch (err) {
      return { error: toBridgeError(err) };
    }
  }

  private endStreams(): void {
    this.watches.stopAll();
    this.logs.stopAll();
    this.execs.stopAll();
    void this.forwards.stopAll();
    this.probes.stopAll();
  }

  dispose(): void {
    this.unsubscribe();
    this.endStreams();
  }
}
