// StatefulSet volumeClaimTemplates: claims `<template>-<set>-<ordinal>` made
// before the pods, labelled with the selector, and owned per the retention
// policy (the set for whenDeleted: Delete; the pod once scaled away for
// whenScaled: Delete).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, until, type Harness } from './controllers-harness.ts';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import type { PersistentVolumeClaim } from '../../main/controllers/volume/volumeTypes.ts';
import { statefulSetsResource } from '../../main/controllers/shared/resources.ts';

describe('StatefulSet claims', () => {
  let h: Harness;
  let pvcs: ResourceClient<PersistentVolumeClaim>;
  before(async () => {
    h = await startHarness(['statefulset']);
    pvcs = h.client.resource({ group: '', version: 'v1', plural: 'persistentvolumeclaims' });
  });
  after(async () => h.close());

  it('creates data-web-0 and data-web-1 owned by the set, and gives a scaled-away member its claim', async () => {
    const sets = h.client.resource(statefulSetsResource);
    const set = await sets.create('default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        podManagementPolicy: 'Parallel',
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data', labels: { tier: 'db' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const claims = await until('two claims', async () => {
      const items = (await pvcs.list('default')).items;
      return items.length === 2 ? items : undefined;
    });
    assert.deepEqual(claims.map((c) => c.metadata.name).sort(), ['data-web-0', 'data-web-1']);
    for (const claim of claims) {
      assert.deepEqual(claim.metadata.labels, { tier: 'db', app: 'web' });
      assert.deepEqual(claim.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.uid}`), [`StatefulSet/web/${set.metadata.uid}`]);
    }
    const pod = await until('web-0 and web-1', async () => {
      const pods = (await h.pods.list('default')).items;
      return pods.length === 2 ? pods.find((p) => p.metadata.name === 'web-1') : undefined;
    });
    assert.deepEqual(pod.spec.volumes?.[0], { name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } });
    await sets.patch('default', 'web', 'application/merge-patch+json', { spec: { replicas: 1 } });
    const scaled = await until('data-web-1 owned by its pod', async () => {
      const claim = await pvcs.get('default', 'data-web-1');
      return claim.metadata.ownerReferences?.[0]?.kind === 'Pod' ? claim : undefined;
    });
    assert.deepEqual(scaled.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.uid}`), [`Pod/web-1/${pod.metadata.uid}`]);
    assert.equal((await pvcs.get('default', 'data-web-0')).metadata.ownerReferences?.[0]?.kind, 'StatefulSet');
  });
});
