// --feature-gates as kube-apiserver parses it: 1.32's defaults, known gates
// only, booleans only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureGateDefaults, parseFeatureGates } from '../../main/apiserver/featureGates.ts';

test('1.32 defaults; a gate set by name; unknown gates and non-booleans refused in component-base words', () => {
  assert.equal(featureGateDefaults.AuthorizePodWebsocketUpgradeCreatePermission, false);
  assert.deepEqual(parseFeatureGates(''), featureGateDefaults);
  assert.equal(parseFeatureGates('AuthorizePodWebsocketUpgradeCreatePermission=true').AuthorizePodWebsocketUpgradeCreatePermission, true);
  assert.equal(parseFeatureGates(' AuthorizePodWebsocketUpgradeCreatePermission=False ').AuthorizePodWebsocketUpgradeCreatePermission, false);
  assert.throws(() => parseFeatureGates('NoSuchGate=true'), /^Error: unrecognized feature gate: NoSuchGate$/);
  // A name every object inherits is no gate either.
  assert.throws(() => parseFeatureGates('constructor=true'), /^Error: unrecognized feature gate: constructor$/);
  assert.throws(() => parseFeatureGates('AuthorizePodWebsocketUpgradeCreatePermission=maybe'), /strconv.ParseBool: parsing "maybe": invalid syntax/);
});
