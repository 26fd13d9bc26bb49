// A 403 from RBAC reaches the UI with what the user may not do and the
// `kubectl auth can-i` command that checks it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Status } from '../../preload/api.ts';
import { canICommand, forbiddenMessage, podUpgradeForbiddenMessage } from '../../main/ui/forbiddenAdvice.ts';

const forbidden = (message: string, code = 403): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code, message });

describe('forbidden advice', () => {
  it('names the can-i command for namespaced, grouped, cluster-wide and subresource refusals', () => {
    assert.equal(canICommand(forbidden('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"')), 'kubectl auth can-i list pods -n default');
    assert.equal(canICommand(forbidden('deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "shop"')), 'kubectl auth can-i patch deployments.apps -n shop');
    assert.equal(canICommand(forbidden('nodes is forbidden: User "alice" cannot watch resource "nodes" in API group "" at the cluster scope')), 'kubectl auth can-i watch nodes --all-namespaces');
    assert.equal(canICommand(forbidden('pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"')), 'kubectl auth can-i get pods --subresource=log -n default');
  });

  it('leaves other errors as they are', () => {
    assert.equal(canICommand(forbidden('pods "p" is forbidden: violates PodSecurity "restricted:latest"')), undefined);
    assert.equal(forbiddenMessage(forbidden('not found', 404)), 'not found');
    assert.match(forbiddenMessage(forbidden('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"')), /Your kubeconfig user lacks this right; check with: kubectl auth can-i list pods -n default$/);
  });

  it('a refused WebSocket to a pod subresource: the filter\'s get names itself, the added create check is named from what was asked', () => {
    assert.equal(
      podUpgradeForbiddenMessage(forbidden('pods "web" is forbidden: User "alice" cannot get resource "pods/portforward" in API group "" in the namespace "default"'), 'default', 'portforward'),
      'pods "web" is forbidden: User "alice" cannot get resource "pods/portforward" in API group "" in the namespace "default". Your kubeconfig user lacks this right; check with: kubectl auth can-i get pods --subresource=portforward -n default',
    );
    assert.equal(podUpgradeForbiddenMessage(forbidden('pods "web" is forbidden: '), 'shop', 'exec'), 'pods "web" is forbidden: a WebSocket to pods/exec needs both get and create on it; check with: kubectl auth can-i create pods --subresource=exec -n shop');
  });
});
