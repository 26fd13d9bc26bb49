// CustomResourceDefinitions as a kubectl user checks them against
// `podlab serve`: the Kubernetes docs' CronTab CRD becomes a kind the moment it
// is Established, its objects are served, scaled, garbage collected and
// deleted with their namespace or their CRD.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

/** The CronTab CRD of the Kubernetes docs ("Extend the Kubernetes API with CustomResourceDefinitions"), with a printer column, a default, a CEL rule, and status and scale subresources. */
export const cronTabCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas should be smaller than or equal to maxReplicas.
            properties:
              cronSpec:
                type: string
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                default: 1
              maxReplicas:
                type: integer
                default: 10
          status:
            type: object
            properties:
              replicas:
                type: integer
              labelSelector:
                type: string
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.labelSelector
    additionalPrinterColumns:
    - name: Spec
      type: string
      description: The cron spec defining the interval a CronJob is run
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      description: The number of jobs launched by the CronJob
      jsonPath: .spec.replicas
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
`;

export const cronTab = (name: string, extra = '') => `
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
${extra}`;

describe('CustomResourceDefinitions with kubectl', () => {
  let serve: PodlabServe;
  let kc: string;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'crd-test']);
    kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', '-'], cronTabCRD);
    await kubectlOk(kc, ['wait', '--for', 'condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com']);
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('lists the new kind in kubectl api-resources once Established', async () => {
    const out = await kubectlOk(kc, ['api-resources', '--api-group=stable.example.com']);
    assert.match(out, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
    const crds = await kubectlOk(kc, ['get', 'crds']);
    assert.match(crds, /^crontabs\.stable\.example\.com\s+\d{4}-\d\d-\d\dT/m);
    // crdregistration: the served version gets its local APIService, below every built-in group.
    await eventually('the APIService of stable.example.com/v1', async () => (await kubectl(kc, ['get', 'apiservice', 'v1.stable.example.com'])).code === 0);
    const apiService = JSON.parse(await kubectlOk(kc, ['get', 'apiservice', 'v1.stable.example.com', '-o', 'json']));
    assert.deepEqual([apiService.spec.groupPriorityMinimum, apiService.spec.versionPriority, apiService.status.conditions[0].status], [1000, 100, 'True']);
  });

  it('prints the printer columns of the CRD and explains its schema', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], cronTab('printed'));
    const table = await kubectlOk(kc, ['get', 'crontabs', 'printed']);
    assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
    assert.match(table, /^printed\s+\* \* \* \* \*\/5\s+/m);
    const explained = await kubectlOk(kc, ['explain', 'crontab.spec']);
    assert.match(explained, /KIND:\s+CronTab/);
    assert.match(explained, /cronSpec\s+<string>/);
    assert.match(explained, /replicas\s+<integer>/);
  });

  it('defaults, and refuses what the schema or a CEL rule refuses, naming the field as Kubernetes does', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], cronTab('defaulted'));
    assert.equal(await kubectlOk(kc, ['get', 'ct', 'defaulted', '-o', 'jsonpath={.spec.replicas}/{.spec.maxReplicas}']), '1/10');
    const wrongType = await kubectl(kc, ['create', '-f', '-'], cronTab('wrong-type', '  replicas: "three"'));
    assert.match(wrongType.stderr, /The CronTab "wrong-type" is invalid: /);
    assert.match(wrongType.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);
    const pattern = await kubectl(kc, ['create', '-f', '-'], cronTab('bad-cron').replace('"* * * * */5"', '"every minute"'));
    assert.match(pattern.stderr, /spec\.cronSpec: Invalid value: "every minute": spec\.cronSpec in body should match/);
    const rule = await kubectl(kc, ['create', '-f', '-'], cronTab('too-many', '  replicas: 20'));
    assert.match(rule.stderr, /The CronTab "too-many" is invalid: spec: Invalid value: "object": replicas should be smaller than or equal to maxReplicas\./);
    const scaled = await kubectl(kc, ['scale', 'crontab/defaulted', '--replicas=11']);
    assert.match(scaled.stderr, /replicas should be smaller than or equal to maxReplicas/);
  });

  it('refuses a CRD whose name or CEL rule is wrong', async () => {
    const broken = cronTabCRD.replace('name: crontabs.stable.example.com', 'name: crontab.stable.example.com').replace('self.replicas <= self.maxReplicas', 'self.replicas <=');
    const result = await kubectl(kc, ['create', '-f', '-'], broken);
    assert.match(result.stderr, /metadata\.name: Invalid value: "crontab\.stable\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
    // One version: the internal version holds its schema at spec.validation, and that is the path reported.
    assert.match(result.stderr, /spec\.validation\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.replicas <=": compilation failed/);
  });

  it('refuses an unknown field with --validate=strict and prunes it without validation', async () => {
    const bogus = cronTab('bogus', '  bogus: 1');
    const strict = await kubectl(kc, ['create', '--validate=strict', '-f', '-'], bogus);
    assert.match(strict.stderr, /CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec\.bogus"/);
    await kubectlOk(kc, ['create', '--validate=false', '-f', '-'], bogus);
    const spec = JSON.parse(await kubectlOk(kc, ['get', 'crontab', 'bogus', '-o', 'jsonpath={.spec}']));
    assert.equal(spec.bogus, undefined);
    assert.equal(spec.image, 'my-awesome-cron-image');
  });

  it('creates, gets and scales a CronTab through its scale subresource', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], cronTab('my-new-cron-object'));
    await kubectlOk(kc, ['scale', 'crontab/my-new-cron-object', '--replicas=3']);
    assert.equal(await kubectlOk(kc, ['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}']), '3');
    const scale = JSON.parse(await kubectlOk(kc, ['get', 'crontab/my-new-cron-object', '--subresource=scale', '-o', 'json']));
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 3);
  });

  it('server-side applies a CronTab, with conflicts between managers', async () => {
    await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], cronTab('applied', '  replicas: 2'));
    await kubectlOk(kc, ['apply', '--server-side', '-f', '-'], cronTab('applied', '  replicas: 4'));
    assert.equal(await kubectlOk(kc, ['get', 'ct', 'applied', '-o', 'jsonpath={.spec.replicas}']), '4');
    const conflict = await kubectl(kc, ['apply', '--server-side', '--field-manager=other', '-f', '-'], cronTab('applied', '  replicas: 5'));
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
  });

  it('collects a custom resource whose owner is deleted', async () => {
    await kubectlOk(kc, ['create', 'configmap', 'owner']);
    const uid = await kubectlOk(kc, ['get', 'configmap', 'owner', '-o', 'jsonpath={.metadata.uid}']);
    const owned = cronTab('owned').replace('  name: owned', `  name: owned\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: ${uid}`);
    await kubectlOk(kc, ['create', '-f', '-'], owned);
    await kubectlOk(kc, ['delete', 'configmap', 'owner']);
    await eventually('the owned CronTab collected', async () => (await kubectl(kc, ['get', 'crontab', 'owned'])).stderr.includes('NotFound'), 30_000);
  });

  it('deletes 1,000 custom resources with their namespace and leaves nothing', async () => {
    await kubectlOk(kc, ['create', 'namespace', 'bulk']);
    const items = Array.from({ length: 1000 }, (_, i) => ({
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: `c${i}`, namespace: 'bulk' },
      spec: { cronSpec: '* * * * */5', image: 'x' },
    }));
    await kubectlOk(kc, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    assert.equal((await kubectlOk(kc, ['get', 'crontabs', '-n', 'bulk', '--no-headers'])).trim().split('\n').length, 1000);
    await kubectlOk(kc, ['delete', 'namespace', 'bulk', '--timeout=120s']);
    const left = await kubectl(kc, ['get', 'crontabs', '-n', 'bulk', '--no-headers']);
    assert.equal(left.stdout.trim(), '');
  });

  it('deletes every CronTab with the CRD, and the kind with it', async () => {
    await kubectlOk(kc, ['create', 'namespace', 'other']);
    await kubectlOk(kc, ['create', '-n', 'other', '-f', '-'], cronTab('elsewhere'));
    await kubectlOk(kc, ['delete', 'crd', 'crontabs.stable.example.com', '--timeout=60s']);
    const crds = await kubectl(kc, ['get', 'crd', 'crontabs.stable.example.com']);
    assert.match(crds.stderr, /NotFound/);
    const resources = await kubectlOk(kc, ['api-resources', '--api-group=stable.example.com']);
    assert.doesNotMatch(resources, /crontabs/);
    await eventually('the APIService of the deleted CRD to go', async () => (await kubectl(kc, ['get', 'apiservice', 'v1.stable.example.com'])).code !== 0);
    // Recreated, the kind is empty: nothing was left in storage.
    await kubectlOk(kc, ['apply', '-f', '-'], cronTabCRD);
    await kubectlOk(kc, ['wait', '--for', 'condition=established', '--timeout=30s', 'crd/crontabs.stable.example.com']);
    const all = await kubectlOk(kc, ['get', 'crontabs', '-A', '--no-headers']);
    assert.equal(all.trim(), '');
  });
});
