// Every sample in the gallery is accepted by PodLab's API as the gallery's
// one click applies it: each document is created, none fails validation or
// names a kind the server does not serve.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPaths } from '../../main/appPaths.ts';
import { applyYaml } from '../../main/ui/apply/applyYaml.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { SampleLibrary } from '../../main/ui/samples.ts';
import { startInProcessApi } from '../helpers/inProcessApi.ts';

const library = new SampleLibrary(appPaths.samples);

for (const sample of library.list()) {
  test(`sample ${sample.id} applies: every object is created`, async () => {
    const api = await startInProcessApi();
    try {
      const outcomes = await applyYaml(api.client, catalogKindResolver(api.api.catalog), { yaml: library.yaml(sample.id), namespace: sample.namespace });
      const failed = outcomes.filter((o) => o.action !== 'created').map((o) => `${o.kind}/${o.name}: ${o.action} ${o.error?.message ?? ''}`);
      assert.deepEqual(failed, []);
    } finally {
      await api.close();
    }
  });
}

test('on a kubeconfig context a sample that needs PodLab\'s own components is refused with its reason; the others apply', () => {
  const podlabOnly = library.list().filter((s) => s.podlabOnly).map((s) => s.id);
  assert.deepEqual(podlabOnly.sort(), ['hello-web', 'ingress-missing-service', 'ingress-two-hosts', 'network-policy', 'stateful-visits', 'statefulset-web']);
  assert.throws(() => library.yamlToApply('hello-web', true), /the sample "Hello web \(Deployment \+ Service\)" needs a PodLab cluster: its LoadBalancer Service answers on 127\.0\.0\.1:8080 through PodLab's own service proxy/);
  assert.equal(library.yamlToApply('hello-web', false), library.yaml('hello-web'));
  assert.equal(library.yamlToApply('crashing', true), library.yaml('crashing'));
});
