// A CustomResourceDefinition with a conversion webhook, as the Kubernetes
// docs' versioning example has it: v1beta1 keeps `host` and `port`, v1 (the
// storage version) one `hostPort`. The webhook is a real HTTPS server on
// 127.0.0.1; objects are written and read in both versions, listed and
// watched, and the webhook's failures and wrong answers reach the client in
// kube-apiserver's words, with nothing half-written.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';
import { isApiError, type ClientWatchEvent } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { startWebhookServer, type ConversionReviewRequest, type TestWebhookServer } from '../helpers/webhookServer.ts';

const crdRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
const v1 = { group: 'example.com', version: 'v1', plural: 'endpointsets' };
const v1beta1 = { group: 'example.com', version: 'v1beta1', plural: 'endpointsets' };

type Json = Record<string, any>;

/** The docs' conversion: `host` and `port` one way, `hostPort` the other. */
function convert(obj: Json, to: string): Json {
  const { spec = {}, ...rest } = obj;
  if (to === 'example.com/v1') {
    const { host, port, ...others } = spec;
    return { ...rest, apiVersion: to, spec: { ...others, hostPort: `${host}:${port}` } };
  }
  const { hostPort = ':', ...others } = spec;
  const [host, port] = String(hostPort).split(':');
  return { ...rest, apiVersion: to, spec: { ...others, host, port } };
}

function goodAnswer(request: ConversionReviewRequest): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: { uid: request.uid, result: { status: 'Success' }, convertedObjects: request.objects.map((o) => convert(o, request.desiredAPIVersion)) },
  };
}

function endpointSetCrd(server: TestWebhookServer): CustomResourceDefinition {
  const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'endpointsets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'endpointsets', singular: 'endpointset', kind: 'EndpointSet' },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema },
        { name: 'v1', served: true, storage: true, schema },
      ],
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: server.url('/convert'), caBundle: server.caBundle } } },
    },
  } as CustomResourceDefinition;
}

const beta = (name: string, host: string, port: string): KubeObject => ({ apiVersion: 'example.com/v1beta1', kind: 'EndpointSet', metadata: { name }, spec: { host, port } }) as KubeObject;

describe('CRD conversion webhooks', () => {
  let cluster: InProcessApi;
  let server: TestWebhookServer;

  before(async () => {
    cluster = await startInProcessApi();
    server = await startWebhookServer();
    server.handleConversion('/convert', goodAnswer);
    await cluster.client.resource(crdRef).create(undefined, endpointSetCrd(server));
    await eventually('both versions served', async () => {
      try {
        await cluster.client.resource(v1beta1).list('default');
        return true;
      } catch {
        return false;
      }
    });
  });

  after(async () => {
    await server.close();
    await cluster.close();
  });

  it('stores a v1beta1 object in v1 through the webhook, and serves it in either version', async () => {
    const created = (await cluster.client.resource(v1beta1).create('default', beta('db', 'localhost', '5432'))) as Json;
    assert.deepEqual(created.spec, { host: 'localhost', port: '5432' });
    const stored = JSON.parse((await cluster.store.get('/registry/example.com/endpointsets/default/db')).kv!.value) as Json;
    assert.equal(stored.apiVersion, 'example.com/v1');
    assert.deepEqual(stored.spec, { hostPort: 'localhost:5432' });
    const asV1 = (await cluster.client.resource(v1).get('default', 'db')) as Json;
    assert.deepEqual(asV1.spec, { hostPort: 'localhost:5432' });
    assert.equal(asV1.metadata.uid, created.metadata.uid);
    const reviews = server.conversions.map((c) => `${c.request.objects[0]!.apiVersion}->${c.request.desiredAPIVersion}`);
    assert.deepEqual(reviews, ['example.com/v1beta1->example.com/v1', 'example.com/v1->example.com/v1beta1'], 'in to storage, out to the request version; a read in the storage version calls nothing');
  });

  it('converts a list in one review, and watch events as they come, in order', async () => {
    await cluster.client.resource(v1).create('default', { apiVersion: 'example.com/v1', kind: 'EndpointSet', metadata: { name: 'cache' }, spec: { hostPort: 'redis:6379' } } as KubeObject);
    server.conversions.length = 0;
    const list = await cluster.client.resource(v1beta1).list('default');
    assert.deepEqual(list.items.map((i) => (i as Json).spec), [{ host: 'redis', port: '6379' }, { host: 'localhost', port: '5432' }]);
    assert.equal(server.conversions.length, 1);
    assert.equal(server.conversions[0]!.request.objects.length, 2);

    const events: Array<ClientWatchEvent<KubeObject>> = [];
    const watch = cluster.client.resource(v1beta1).watch('default', { resourceVersion: list.metadata.resourceVersion }, (e) => events.push(e));
    for (const port of ['5433', '5434']) await cluster.client.resource(v1).patch('default', 'db', 'application/merge-patch+json', { spec: { hostPort: `localhost:${port}` } });
    await eventually('both changes seen', async () => events.length >= 2);
    watch.stop();
    assert.deepEqual(events.map((e) => [e.type, (e.object as Json).apiVersion, (e.object as Json).spec.port]), [
      ['MODIFIED', 'example.com/v1beta1', '5433'],
      ['MODIFIED', 'example.com/v1beta1', '5434'],
    ]);
  });

  it('keeps metadata as it was except labels and annotations, and refuses a converted object that renames it', async () => {
    server.handleConversion('/convert', (request) => {
      const answer = goodAnswer(request);
      for (const o of answer.response.convertedObjects) o.metadata = { ...o.metadata, generation: 99, labels: { converted: 'yes' } };
      return answer;
    });
    const got = (await cluster.client.resource(v1beta1).get('default', 'cache')) as Json;
    assert.deepEqual(got.metadata.labels, { converted: 'yes' });
    assert.notEqual(got.metadata.generation, 99);

    server.handleConversion('/convert', (request) => {
      const answer = goodAnswer(request);
      for (const o of answer.response.convertedObjects) o.metadata = { ...o.metadata, name: 'other' };
      return answer;
    });
    await assert.rejects(cluster.client.resource(v1beta1).get('default', 'cache'), (err) => {
      assert.ok(isApiError(err));
      assert.equal(err.code, 500);
      assert.equal(err.message, 'conversion for example.com/v1, Kind=EndpointSet returned invalid converted object at index 1: must have the same name: cache != other');
      return true;
    });
  });

  it('answers a wrong review uid, a failure result and an unreachable webhook in kube-apiserver\'s words, and writes nothing', async () => {
    server.handleConversion('/convert', (request) => ({ ...goodAnswer(request), response: { ...goodAnswer(request).response, uid: 'not-the-request' } }));
    await assert.rejects(cluster.client.resource(v1beta1).get('default', 'cache'), /^ApiError: conversion webhook for example\.com\/v1, Kind=EndpointSet failed: expected response\.uid="[0-9a-f-]{36}", got "not-the-request"$/);

    server.handleConversion('/convert', (request) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: request.uid, result: { status: 'Failure', message: 'port must be a number' } } }));
    await assert.rejects(cluster.client.resource(v1beta1).create('default', beta('broken', 'db', 'x')), (err) => {
      assert.ok(isApiError(err));
      assert.equal(err.message, 'conversion webhook for example.com/v1beta1, Kind=EndpointSet failed: port must be a number');
      return true;
    });

    const port = server.port;
    await server.close();
    await assert.rejects(cluster.client.resource(v1beta1).create('default', beta('lost', 'db', '1')), (err) => {
      assert.ok(isApiError(err));
      assert.equal(err.code, 500);
      assert.equal(err.message, `conversion webhook for example.com/v1beta1, Kind=EndpointSet failed: Post "https://127.0.0.1:${port}/convert?timeout=30s": dial tcp 127.0.0.1:${port}: connect: connection refused`);
      return true;
    });
    for (const name of ['broken', 'lost']) assert.equal((await cluster.store.get(`/registry/example.com/endpointsets/default/${name}`)).kv, undefined);
    // Reads in the storage version need no webhook.
    assert.equal(((await cluster.client.resource(v1).get('default', 'cache')) as Json).spec.hostPort, 'redis:6379');
    server = await startWebhookServer(port);
  });
});
