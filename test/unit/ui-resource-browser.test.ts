// The resource browser's pure parts: which of the server's columns show (as
// `kubectl get` and `-o wide`), cells as kubectl prints them with a live Age,
// kind titles and filtering, folded diffs, the Events view's filters, and
// links from references.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventView } from '../../main/insight/podView.ts';
import type { ApiGroupKinds, TableColumnDefinition } from '../../preload/api.ts';
import { choices, filterEvents, noFilter } from '../../renderer/events/eventFilters.ts';
import { foldDiff } from '../../renderer/resources/diffFolding.ts';
import { browsableKinds, kindTitle, pluralTitle, resolveKind } from '../../renderer/resources/kindTitle.ts';
import { isPodLink, locationOf } from '../../renderer/resources/location.ts';
import { cellText, isCreationAge, shownCell, shownColumns, sortValue } from '../../renderer/resources/tableColumns.ts';

const column = (name: string, priority = 0, extra: Partial<TableColumnDefinition> = {}): TableColumnDefinition => ({ name, type: 'string', format: '', description: '', priority, ...extra });

// The Deployment columns kube-apiserver declares.
const deploymentColumns = [
  column('Name', 0, { format: 'name' }),
  column('Ready'),
  column('Up-to-date', 0, { type: 'integer' }),
  column('Available', 0, { type: 'integer' }),
  column('Age', 0, { description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }),
  column('Containers', 1),
  column('Images', 1),
  column('Selector', 1),
];

describe('table columns', () => {
  test('priority 0 columns as kubectl get shows them, all of them with -o wide, headers upper-cased', () => {
    assert.deepEqual(
      shownColumns(deploymentColumns, false).map((c) => c.title),
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    );
    const wide = shownColumns(deploymentColumns, true);
    assert.deepEqual(
      wide.map((c) => [c.key, c.index]),
      [['name', 0], ['ready', 1], ['up-to-date', 2], ['available', 3], ['age', 4], ['containers', 5], ['images', 6], ['selector', 7]],
    );
    // Two columns of one name still get keys of their own.
    assert.deepEqual(
      shownColumns([column('Ports'), column('Ports')], false).map((c) => c.key),
      ['ports', 'ports-1'],
    );
  });

  test('the creation Age is live; other age-like columns are the server cells', () => {
    assert.equal(isCreationAge(deploymentColumns[4]!), true);
    assert.equal(isCreationAge(column('Age', 0, { type: 'date', description: 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp' })), true);
    assert.equal(isCreationAge(column('Last Schedule', 0, { type: 'date', description: 'Custom resource definition column (in JSONPath format): .status.lastScheduleTime' })), false);
    const [, , , , age] = shownColumns(deploymentColumns, false);
    const object = { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' };
    assert.equal(shownCell(age!, ['web', '1/1', 1, 1, '5s'], object, new Date('2026-01-01T00:03:20Z')), '3m20s');
    assert.equal(shownCell(age!, ['web', '1/1', 1, 1, '5s'], { name: 'web' }, new Date()), '5s');
    assert.ok((sortValue(age!, [], object) as number) < (sortValue(age!, [], { name: 'older', creationTimestamp: '2025-01-01T00:00:00Z' }) as number));
  });

  test("cells as kubectl's printer writes them", () => {
    assert.equal(cellText(null), '<none>');
    assert.equal(cellText(undefined), '<none>');
    assert.equal(cellText(3), '3');
    assert.equal(cellText(false), 'false');
    assert.equal(cellText('first line\nsecond'), 'first line...');
    assert.equal(cellText({ a: 1 }), '{"a":1}');
  });
});

const groups: ApiGroupKinds[] = [
  {
    group: '',
    preferredVersion: 'v1',
    kinds: [
      { resource: { group: '', version: 'v1', plural: 'pods' }, kind: 'Pod', namespaced: true, verbs: ['list', 'get'], shortNames: ['po'] },
      { resource: { group: '', version: 'v1', plural: 'endpoints' }, kind: 'Endpoints', namespaced: true, verbs: ['list'] },
      { resource: { group: '', version: 'v1', plural: 'bindings' }, kind: 'Binding', namespaced: true, verbs: ['create'] },
    ],
  },
  {
    group: 'networking.k8s.io',
    preferredVersion: 'v1',
    kinds: [
      { resource: { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' }, kind: 'NetworkPolicy', namespaced: true, verbs: ['list'], shortNames: ['netpol'] },
      { resource: { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' }, kind: 'Ingress', namespaced: true, verbs: ['list'], shortNames: ['ing'] },
    ],
  },
  {
    group: 'metrics.k8s.io',
    preferredVersion: 'v1beta1',
    kinds: [{ resource: { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods' }, kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] }],
  },
];

describe('kinds', () => {
  test("titles: the plural in the kind's capitals, or the kind when the plural is another word", () => {
    assert.equal(pluralTitle('NetworkPolicy', 'networkpolicies'), 'NetworkPolicies');
    assert.equal(pluralTitle('Ingress', 'ingresses'), 'Ingresses');
    assert.equal(pluralTitle('Endpoints', 'endpoints'), 'Endpoints');
    assert.equal(pluralTitle('CronTab', 'crontabs'), 'CronTabs');
    assert.equal(pluralTitle('APIService', 'apiservices'), 'APIServices');
    assert.equal(pluralTitle('PodMetrics', 'pods'), 'PodMetrics');
  });

  test('the browsable kinds: listable ones, sorted, found by title, short name or group', () => {
    assert.deepEqual(
      browsableKinds(groups, '').map((g) => [g.group, g.kinds.map(kindTitle)]),
      [
        ['', ['Endpoints', 'Pods']],
        ['networking.k8s.io', ['Ingresses', 'NetworkPolicies']],
        ['metrics.k8s.io', ['PodMetrics']],
      ],
    );
    assert.deepEqual(
      browsableKinds(groups, 'netpol').flatMap((g) => g.kinds.map(kindTitle)),
      ['NetworkPolicies'],
    );
    assert.deepEqual(
      browsableKinds(groups, 'networking').flatMap((g) => g.kinds.map(kindTitle)),
      ['Ingresses', 'NetworkPolicies'],
    );
    assert.deepEqual(
      browsableKinds(groups, 'core').flatMap((g) => g.kinds.map(kindTitle)),
      ['Endpoints', 'Pods'],
    );
  });

  test('references resolve to a kind: in their group, or the first group serving it when they name none', () => {
    assert.equal(resolveKind(groups, 'metrics.k8s.io', 'PodMetrics')?.resource.plural, 'pods');
    assert.equal(resolveKind(groups, undefined, 'Pod')?.resource.group, '');
    assert.equal(resolveKind(groups, 'apps', 'Pod'), undefined);
    assert.deepEqual(locationOf({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }), { group: 'apps', kind: 'Deployment', object: { namespace: 'default', name: 'web' } });
    assert.deepEqual(locationOf({ apiVersion: 'v1', kind: 'Node', name: 'node-1' }), { group: '', kind: 'Node', object: { name: 'node-1' } });
    assert.equal(locationOf({ kind: 'Pod' }), undefined);
    assert.equal(isPodLink({ apiVersion: 'v1', kind: 'Pod', name: 'x' }), true);
    assert.equal(isPodLink({ apiVersion: 'metrics.k8s.io/v1beta1', kind: 'Pod', name: 'x' }), false);
  });
});

describe('folded diffs', () => {
  test('changes keep three lines of context; longer unchanged stretches fold; lines numbered on their side', () => {
    const kept = (n: number) => Array.from({ length: n }, (_, i) => ({ op: ' ' as const, text: `k${i}` }));
    const rows = foldDiff([...kept(10), { op: '-', text: 'old' }, { op: '+', text: 'new' }, ...kept(2)]);
    assert.deepEqual(rows[0], { type: 'fold', count: 7 });
    assert.deepEqual(
      rows.slice(1).map((r) => (r.type === 'line' ? `${r.oldNumber ?? ''}:${r.newNumber ?? ''}${r.line.op}${r.line.text}` : `fold ${r.count}`)),
      ['8:8 k7', '9:9 k8', '10:10 k9', '11:-old', ':11+new', '12:12 k0', '13:13 k1'],
    );
    assert.deepEqual(foldDiff(kept(3)), [{ type: 'fold', count: 3 }]);
  });
});

describe('event filters', () => {
  const event = (reason: string, kind: string, name: string, message: string, type = 'Normal'): EventView => ({ metadata: { name: `${name}.${reason}`, namespace: 'default' }, reason, type, message, involvedObject: { kind, name } });
  const events = [
    event('ScalingReplicaSet', 'Deployment', 'web', 'Scaled up replica set web-1 to 2'),
    event('FailedScheduling', 'Pod', 'web-1-abc', '0/1 nodes are available: 1 node(s) didn\'t match Pod\'s node affinity/selector.', 'Warning'),
    event('ProvisioningFailed', 'PersistentVolumeClaim', 'data', 'storageclass.storage.k8s.io "fast-ssd" not found', 'Warning'),
  ];
  test('by kind, by reason, and words found anywhere in the reason, object or message', () => {
    assert.equal(filterEvents(events, noFilter).length, 3);
    assert.deepEqual(
      filterEvents(events, { ...noFilter, kind: 'Pod' }).map((e) => e.reason),
      ['FailedScheduling'],
    );
    assert.deepEqual(
      filterEvents(events, { ...noFilter, reason: 'ScalingReplicaSet' }).map((e) => e.involvedObject?.name),
      ['web'],
    );
    assert.equal(filterEvents(events, { ...noFilter, text: 'FAST-ssd' }).length, 1);
    assert.equal(filterEvents(events, { ...noFilter, text: 'fast-ssd pod' }).length, 0);
    assert.deepEqual(
      filterEvents(events, { ...noFilter, text: 'fast-ssd persistentvolumeclaim/data' }).map((e) => e.reason),
      ['ProvisioningFailed'],
    );
    assert.deepEqual(
      choices(events, (e) => e.involvedObject?.kind),
      ['Deployment', 'PersistentVolumeClaim', 'Pod'],
    );
  });
});
