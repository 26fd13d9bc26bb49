// Taint and toleration matching, as core/v1 Toleration.ToleratesTaint and
// component-helpers' FindMatchingUntoleratedTaint define it.

import type { Taint, Toleration } from './types.ts';

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((toleration) => toleratesTaint(toleration, taint));
}

/** The first taint, among those `inScope` selects, that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  inScope: (taint: Taint) => boolean,
): Taint | undefined {
  return (taints ?? []).find((taint) => inScope(taint) && !tolerationsTolerateTaint(tolerations, taint));
}

/** The effects that keep pods off a node (PreferNoSchedule only lowers its score). */
export function isNoScheduleOrNoExecute(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
