// The names a CRD is served under and its conditions, as apiextensions'
// naming, establishing and finalizer controllers set them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptNames, establishedStatus, namingStatus, setCondition, terminating } from '../../main/apiserver/crd/crdConditions.ts';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';
import { defaultCustomResourceDefinition } from '../../main/apiserver/resources/customresourcedefinitions.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:01:00Z');

function defaulted(crd: CustomResourceDefinition): CustomResourceDefinition {
  defaultCustomResourceDefinition(crd);
  return crd;
}

/** A CRD of the same group that already holds its names. */
function accepted(plural: string, kind: string, shortNames?: string[]): CustomResourceDefinition {
  const crd = defaulted(cronTabCrd());
  crd.metadata.name = `${plural}.stable.example.com`;
  crd.spec.names = { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List`, ...(shortNames ? { shortNames } : {}) };
  crd.status = { acceptedNames: crd.spec.names, storedVersions: ['v1'] };
  return crd;
}

const conditions = (crd: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }) => (crd.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);

describe('naming controller', () => {
  it('accepts the names of a CRD nobody else uses, then establishes it', () => {
    const crd = defaulted(cronTabCrd());
    const named = namingStatus(crd, [], t0);
    assert.deepEqual(named.acceptedNames, { plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList' });
    assert.deepEqual(conditions(named), [
      ['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
      ['Established', 'False', 'Installing', 'the initial names have been accepted'],
    ]);
    const established = establishedStatus(named, t0);
    assert.deepEqual(conditions(established)[1], ['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted']);
    assert.equal(established.conditions?.[1].lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.deepEqual(acceptNames(crd, [], t0), established);
  });

  it('reports the last conflict found, in the controller order plural, singular, short names, kind, list kind', () => {
    const crd = defaulted(cronTabCrd());
    // Two CRDs of a group never share a plural (it is in their name), but a plural can be another's short name.
    const plural = acceptNames(crd, [accepted('others', 'Other', ['crontabs'])], t0);
    assert.deepEqual(conditions(plural)[0], ['NamesAccepted', 'False', 'PluralConflict', '"crontabs" is already in use']);
    assert.deepEqual(conditions(plural)[1], ['Established', 'False', 'NotAccepted', 'not all names are accepted']);
    // The names that are free are accepted all the same.
    assert.deepEqual(plural.acceptedNames, { singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList' });

    const kinds = acceptNames(crd, [accepted('others', 'CronTab')], t0);
    assert.deepEqual(conditions(kinds)[0], ['NamesAccepted', 'False', 'ListKindConflict', '"CronTabList" is already in use']);

    const shorts = acceptNames(crd, [accepted('others', 'Other', ['ct'])], t0);
    assert.deepEqual(conditions(shorts)[0], ['NamesAccepted', 'False', 'ShortNamesConflict', '"ct" is already in use']);
    const two = defaulted(cronTabCrd());
    two.spec.names.shortNames = ['ct', 'cts'];
    const many = acceptNames(two, [accepted('others', 'Other', ['ct', 'cts'])], t0);
    assert.deepEqual(conditions(many)[0], ['NamesAccepted', 'False', 'ShortNamesConflict', '["ct" is already in use, "cts" is already in use]']);
  });

  it('ignores other groups and keeps names already accepted', () => {
    const crd = defaulted(cronTabCrd());
    const elsewhere = accepted('crontabs', 'CronTab');
    elsewhere.spec.group = 'other.example.com';
    elsewhere.metadata.name = 'crontabs.other.example.com';
    assert.equal(conditions(acceptNames(crd, [elsewhere], t0))[0][1], 'True');

    // A CRD whose names are accepted is left as it is, even if another CRD now asks for them.
    const settled = { ...crd, status: acceptNames(crd, [], t0) };
    assert.equal(acceptNames(settled, [accepted('others', 'CronTab', ['crontabs'])], t1), settled.status);
  });

  it('renames: a new plural is checked, the old names stay its own', () => {
    const crd = defaulted(cronTabCrd());
    crd.status = acceptNames(crd, [], t0);
    crd.spec.names.shortNames = ['ct', 'cron'];
    const renamed = acceptNames(crd, [], t1);
    assert.deepEqual(renamed.acceptedNames?.shortNames, ['ct', 'cron']);
    // Established stays True and keeps its time; NamesAccepted did not change status either.
    assert.deepEqual(renamed.conditions?.map((c) => c.lastTransitionTime), ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z']);
  });
});

describe('conditions', () => {
  it('moves lastTransitionTime only when the status changes', () => {
    const first = setCondition({}, terminating.pending(), t0);
    const progressing = setCondition(first, terminating.inProgress(), t1);
    assert.deepEqual(conditions(progressing), [['Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress']]);
    assert.equal(progressing.conditions?.[0].lastTransitionTime, '2026-01-01T00:00:00Z');
    const done = setCondition(progressing, terminating.completed(), t1);
    assert.deepEqual(conditions(done), [['Terminating', 'False', 'InstanceDeletionCompleted', 'removed all instances']]);
    assert.equal(done.conditions?.[0].lastTransitionTime, '2026-01-01T00:01:00Z');
  });

  it("words each deletion step as the finalizer does", () => {
    assert.equal(terminating.pending().message, 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon');
    assert.deepEqual(terminating.remaining(), { type: 'Terminating', status: 'True', reason: 'InstanceDeletionCheck', message: 'could not confirm zero CustomResources remaining: timed out waiting for the condition' });
    assert.deepEqual([terminating.neverEstablished().reason, terminating.neverEstablished().message], ['NeverEstablished', 'resource was never established']);
  });
});
