// The bridge contract, checked at the type level (the assertions below fail
// `tsc` when the contract and its users drift apart) and at run time (the
// main side answers every call the contract names).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BridgeCalls, CallName, CallRequest, CallResponse, ClusterStatus, Envelope, KubeList, KubeObject, PodlabTransport, WatchEvent } from '../../preload/api.ts';
import { callNames, eventNames, isCallName } from '../../preload/api.ts';
import { BridgeSession } from '../../main/ui/bridgeSession.ts';
import { SampleLibrary } from '../../main/ui/samples.ts';
import { SettingsStore } from '../../main/ui/settingsStore.ts';
import { StatusBoard } from '../../main/ui/statusBoard.ts';
import type { UiHost } from '../../main/ui/uiHost.ts';
import { unavailablePodStreams } from '../../main/ui/podStreams.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { after, before } from 'node:test';
import { defaultSamplesDir } from '../../main/ui/paths.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

// The runtime list of calls is exactly the contract's keys.
assertType<Equal<(typeof callNames)[number], CallName>>();
assertType<Equal<(typeof eventNames)[number], keyof import('../../preload/api.ts').BridgeEvents>>();
// Requests and responses are what the views rely on.
assertType<Equal<CallResponse<'objects.list'>, KubeList>>();
assertType<Equal<CallResponse<'objects.get'>, KubeObject>>();
assertType<Equal<CallResponse<'cluster.status'>, ClusterStatus>>();
assertType<Equal<CallRequest<'cluster.status'>, void>>();
assertType<Equal<CallResponse<'watch.start'>, { watchId: string }>>();
// Errors cross as data, never as a thrown object.
assertType<Equal<Awaited<ReturnType<PodlabTransport['invoke']>>, Envelope<CallResponse<CallName>>>>();

function typedUse(transport: PodlabTransport) {
  void transport.invoke('objects.get', { resource: { group: '', version: 'v1', plural: 'pods' }, namespace: 'default', name: 'web' });
  // @ts-expect-error: a call the contract does not have
  void transport.invoke('objects.explode', {});
  // @ts-expect-error: a request missing its required name
  void transport.invoke('objects.get', { resource: { group: '', version: 'v1', plural: 'pods' } });
  transport.on('watch', (event) => {
    const typed: WatchEvent = event;
    void typed;
  });
  // @ts-expect-error: an event the contract does not push
  transport.on('nonsense', () => undefined);
}
void typedUse;
void (null as unknown as BridgeCalls);

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

function host(): UiHost {
  return {
    connection: () => ({ client: api.client, kinds: catalogKindResolver(api.api.catalog), streams: unavailablePodStreams }),
    status: new StatusBoard({ mode: 'browser', name: 'test', phase: 'running', runtime: 'simulated', docker: { state: 'not-used', endpoint: '' }, podStreams: false, canSwitch: false }),
    clusters: () => [],
    switchCluster: async () => undefined,
    openExternal: async () => undefined,
    settings: new SettingsStore(join(tmpdir(), `podlab-ui-settings-${process.pid}.json`)),
    samples: new SampleLibrary(defaultSamplesDir),
  };
}

test('the main side answers every call of the contract (no "no call named")', async () => {
  const session = new BridgeSession(host(), () => undefined);
  for (const name of callNames) {
    const envelope = await session.call(name, {});
    if ('error' in envelope) assert.doesNotMatch(envelope.error.message, /no call named/, name);
  }
  session.dispose();
});

test('unknown calls and malformed requests come back as errors with a Status, never as exceptions', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const unknown = await session.call('objects.explode', {});
  assert.ok('error' in unknown && unknown.error.status?.code === 404);
  const malformed = await session.call('objects.get', { resource: 'pods' });
  assert.ok('error' in malformed && malformed.error.status?.code === 400 && /resource must be/.test(malformed.error.message));
  const ok = await session.call('cluster.status', undefined);
  assert.ok('result' in ok && (ok.result as ClusterStatus).name === 'test');
  assert.equal(isCallName('logs.start'), true);
  assert.equal(isCallName('__proto__'), false);
  session.dispose();
});

test('logs and exec answer a clear 503 until the node side provides them', async () => {
  const session = new BridgeSession(host(), () => undefined);
  const applied = await session.call('objects.apply', { yaml: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n' });
  assert.ok('result' in applied);
  const exec = await session.call('exec.start', { namespace: 'default', pod: 'x', command: ['sh'], tty: true });
  assert.ok('error' in exec && exec.error.status?.code === 503 && /exec is not available yet/.test(exec.error.message));
  const logs = await session.call('logs.start', { namespace: 'default', pod: 'x' });
  assert.ok('error' in logs || 'result' in logs);
  await assert.rejects(unavailablePodStreams.exec('default', 'x', 'c', ['sh'], true), /exec is not available yet: no node runtime/);
  const iterator = unavailablePodStreams.logs('default', 'x', { container: 'c', follow: false, previous: false, timestamps: false, signal: new AbortController().signal })[Symbol.asyncIterator]();
  await assert.rejects(iterator.next(), /logs are not available yet/);
  session.dispose();
});
