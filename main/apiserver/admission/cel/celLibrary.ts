// The CEL implementation (@bufbuild/cel), loaded when a first expression is
// compiled or read (a CRD's x-kubernetes-validations, a policy, a webhook's
// matchConditions), and the one environment every expression runs in:
// Kubernetes' standard functions plus the strings extension.

import type * as Cel from '@bufbuild/cel';
import type * as CelExt from '@bufbuild/cel/ext';
import { lazyModule } from '../../../lazyModule.ts';

export const cel = lazyModule<typeof Cel>('@bufbuild/cel');
const celExt = lazyModule<typeof CelExt>('@bufbuild/cel/ext');

let env: ReturnType<typeof Cel.celEnv> | undefined;

export function celEnvironment(): ReturnType<typeof Cel.celEnv> {
  return (env ??= cel().celEnv({ funcs: celExt().strings }));
}
