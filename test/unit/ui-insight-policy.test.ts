// The debugger's ValidatingAdmissionPolicy finding, on refusals made by
// PodLab's real admission: the policy and binding, the failed expression and
// its message, the params it read, the values it compared and what would
// pass; and, for a controller's FailedCreate event, the validation found by
// its message and evaluated again on the workload's pod template.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FailedClause } from '../../main/apiserver/admission/cel/failedClauses.ts';
import { editTarget, refusalFromDenial } from '../../main/insight/admissionRefusal.ts';
import { creatorRefusals } from '../../main/insight/creatorRefusals.ts';
import { diagnoseRefusal } from '../../main/insight/diagnoseRefusal.ts';
import { passingValue } from '../../main/insight/policyDenied.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { admissionSnapshot } from '../../main/ui/admissionSnapshot.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const r = (group: string, plural: string) => ({ group, version: 'v1', plural });
const group = 'admissionregistration.k8s.io';

describe('policy findings', () => {
  let env: InProcessApi;
  const create = (resource: ReturnType<typeof r>, namespace: string | undefined, obj: unknown) => env.client.resource(resource).create(namespace, obj as KubeObject);
  const snapshot = (refusals: Parameters<typeof admissionSnapshot>[2]) => admissionSnapshot(env.client, catalogKindResolver(env.api.catalog), refusals);

  before(async () => {
    env = await startInProcessApi();
    for (const ns of ['capped', 'teams']) await create(r('', 'namespaces'), undefined, { metadata: { name: ns } });
    await create(r('', 'configmaps'), 'capped', { metadata: { name: 'limits' }, data: { maxReplicas: '5' } });
    await create(r(group, 'validatingadmissionpolicies'), undefined, {
      metadata: { name: 'replica-limit' },
      spec: {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
        validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', message: 'too many replicas for this namespace' }],
      },
    });
    await create(r(group, 'validatingadmissionpolicybindings'), undefined, { metadata: { name: 'replica-limit-capped' }, spec: { policyName: 'replica-limit', validationActions: ['Deny'], paramRef: { name: 'limits', namespace: 'capped', parameterNotFoundAction: 'Deny' } } });
    await create(r(group, 'validatingadmissionpolicies'), undefined, {
      metadata: { name: 'team-label' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'teams' } } },
        validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels && object.spec.containers.size() <= 2" }],
      },
    });
    await create(r(group, 'validatingadmissionpolicybindings'), undefined, { metadata: { name: 'team-label' }, spec: { policyName: 'team-label', validationActions: ['Deny'] } });
  });
  after(async () => env.close());

  it('a Deployment over the limit in its params: the values compared and the value that passes', async () => {
    const deployment = { metadata: { name: 'big' }, spec: { replicas: 7, selector: { matchLabels: { app: 'big' } }, template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } };
    await assert.rejects(create(r('apps', 'deployments'), 'capped', deployment));
    const refusal = refusalFromDenial(env.api.admissionDenials.recent('capped')[0]!);
    assert.equal(refusal.message, `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-capped' denied request: too many replicas for this namespace`);
    const [finding] = diagnoseRefusal(refusal, await snapshot([refusal]), new Date());
    assert.equal(finding!.rule, 'policy-denied');
    assert.equal(finding!.title, 'Refused by ValidatingAdmissionPolicy "replica-limit"');
    assert.equal(
      finding!.cause,
      'The binding "replica-limit-capped" applies the policy "replica-limit" to the create of Deployment "big" in namespace capped by kubernetes-admin, and its validation object.spec.replicas <= int(params.data.maxReplicas) was false, ' +
        'so the API server refused it with the validation\'s message: too many replicas for this namespace. object.spec.replicas is 7; the policy admits at most 5 (int(params.data.maxReplicas)). Change the object so the expression holds.',
    );
    assert.deepEqual(finding!.evidence.slice(1), [
      { label: 'Policy and binding', text: 'ValidatingAdmissionPolicy replica-limit, ValidatingAdmissionPolicyBinding replica-limit-capped (validationActions: Deny)' },
      { label: 'Failed expression', text: 'object.spec.replicas <= int(params.data.maxReplicas)' },
      { label: 'Message', text: 'too many replicas for this namespace' },
      { label: 'Params: ConfigMap capped/limits', text: '{"maxReplicas":"5"}' },
      { label: 'Compared', text: 'object.spec.replicas = 7, int(params.data.maxReplicas) = 5' },
    ]);
    assert.deepEqual(
      finding!.next.map((n) => n.command),
      [
        'kubectl get validatingadmissionpolicy replica-limit -o yaml',
        'kubectl get validatingadmissionpolicybinding replica-limit-capped -o yaml',
        'kubectl get configmap limits -n capped -o yaml',
        'kubectl apply --dry-run=server -f deployment.yaml',
        'kubectl edit configmap limits -n capped',
        `kubectl patch validatingadmissionpolicybinding replica-limit-capped --type=merge -p '{"spec":{"validationActions":["Warn"]}}'`,
      ],
    );
  });

  it("a ReplicaSet's pods refused: the validation found by its message, evaluated again on the template", async () => {
    const template = { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } };
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-6b7f', namespace: 'teams', uid: 'rs-uid' }, spec: { replicas: 1, template } } as KubeObject;
    const err = await create(r('', 'pods'), 'teams', { metadata: { generateName: 'api-6b7f-', labels: template.metadata.labels }, spec: template.spec }).then(
      () => assert.fail('expected a refusal'),
      (e: Error) => e,
    );
    const event = { metadata: { name: 'api-6b7f.1', namespace: 'teams' }, involvedObject: { kind: 'ReplicaSet', name: 'api-6b7f', uid: 'rs-uid' }, reason: 'FailedCreate', message: `Error creating: ${err.message}`, count: 3, lastTimestamp: '2025-01-10T10:05:00Z' };
    const [refusal] = creatorRefusals([{ object: rs, events: [event], target: editTarget('ReplicaSet', 'replicasets', 'teams', 'api-6b7f') }]);
    assert.deepEqual(refusal!.cause, { stage: 'validatingAdmissionPolicy', policy: 'team-label', binding: 'team-label', message: `failed expression: has(object.metadata.labels) && 'team' in object.metadata.labels && object.spec.containers.size() <= 2` });
    const [finding] = diagnoseRefusal(refusal!, await snapshot([refusal!]), new Date());
    assert.match(finding!.cause, /^The binding "team-label" applies the policy "team-label" to the ReplicaSet api-6b7f's create of a Pod \(api-6b7f-\*\) in namespace teams, and its validation has\(object\.metadata\.labels\) && 'team' in object\.metadata\.labels && object\.spec\.containers\.size\(\) <= 2 was false/);
    // Of the three conjuncts, only the label test is false on the template.
    assert.match(finding!.cause, /"team" in object\.metadata\.labels is false for this object\. Until the ReplicaSet's template passes, its pods are not created\.$/);
    assert.equal(finding!.next[2]!.command, 'kubectl get replicaset api-6b7f -n teams -o yaml');
  });

  it('what would pass, whichever side of the comparison the object is on', () => {
    const clause = (operator: '<' | '>=' | '==', left: [string, string], right: [string, string]): FailedClause => ({
      expression: `${left[0]} ${operator} ${right[0]}`,
      comparison: { operator, left: { expression: left[0], value: left[1] }, right: { expression: right[0], value: right[1] } },
    });
    assert.equal(passingValue(clause('<', ['3', '3'], ['object.spec.minReadySeconds', '2'])), 'object.spec.minReadySeconds is 2; the policy admits more than 3.');
    assert.equal(passingValue(clause('>=', ['object.spec.replicas', '1'], ['params.min', '2'])), 'object.spec.replicas is 1; the policy admits at least 2 (params.min).');
    assert.equal(passingValue(clause('==', ['object.kind', '"Pod"'], ['oldObject.kind', '"Job"'])), 'object.kind is "Pod"; the policy admits exactly "Job" (oldObject.kind).');
    assert.equal(passingValue({ expression: 'has(object.spec.x)' }), 'has(object.spec.x) is false for this object.');
  });
});
