// The default-scheduler profile: kube-scheduler's default plugins that apply
// to PodLab, in the same order and with the same score weights
// (apis/config/v1/default_plugins.go). Filters run in this order and a node's
// failure reason comes from the first filter that rejects it.

import type { Profile } from '../framework.ts';
import { NodeAffinity } from './nodeAffinity.ts';
import { NodeName } from './nodeName.ts';
import { NodeResourcesBalancedAllocation } from './nodeResourcesBalancedAllocation.ts';
import { NodeResourcesFit } from './nodeResourcesFit.ts';
import { NodeUnschedulable } from './nodeUnschedulable.ts';
import { TaintToleration } from './taintToleration.ts';
import { VolumeBinding, type VolumeState } from './volumeBinding.ts';

/** `volumes`: the storage state VolumeBinding reads; without it (bare scheduler tests) pods' claims are not checked. */
export function defaultProfile(volumes?: VolumeState): Profile {
  const nodeUnschedulable = new NodeUnschedulable();
  const nodeName = new NodeName();
  const taintToleration = new TaintToleration();
  const nodeAffinity = new NodeAffinity();
  const nodeResourcesFit = new NodeResourcesFit();
  const balancedAllocation = new NodeResourcesBalancedAllocation();
  const volumeBinding = volumes ? [new VolumeBinding(volumes)] : [];
  return {
    preFilter: [nodeAffinity, ...volumeBinding],
    filter: [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodeResourcesFit, ...volumeBinding],
    preBind: volumeBinding,
    score: [
      { plugin: taintToleration, weight: 3 },
      { plugin: nodeAffinity, weight: 2 },
      { plugin: nodeResourcesFit, weight: 1 },
      { plugin: balancedAllocation, weight: 1 },
    ],
  };
}
