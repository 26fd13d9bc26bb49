// The Priority admission plugin: a new pod's priorityClassName (or the
// cluster's global default class) becomes its spec.priority and
// spec.preemptionPolicy; a class that does not exist, or a priority the pod
// set itself that disagrees, is refused in Kubernetes' words. PriorityClasses
// themselves: only one may be the global default, and the system classes may
// not be deleted.

import type { KubeObject } from '../../kube/meta.ts';
import { errors } from '../errors.ts';
import { systemPriorityClasses } from '../resources/priorityclasses.ts';
import { refusedName, UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

interface PriorityClass extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

export class PriorityPlugin implements AdmissionPlugin {
  readonly name = 'Priority';

  /** `listClasses` answers at once when the classes are in memory (registry.peekListShared). */
  constructor(private readonly listClasses: () => readonly KubeObject[] | Promise<readonly KubeObject[]>) {}

  // Only pod creates are its business: anything else is answered at once, without a promise.
  mutate(attrs: AdmissionAttributes): MutationOutcome | Promise<MutationOutcome> {
    if (attrs.operation !== 'CREATE' || attrs.subresource || attrs.resource.group !== '' || attrs.resource.plural !== 'pods' || !attrs.object) return UNTOUCHED;
    const classes = this.listClasses();
    return classes instanceof Promise ? classes.then((listed) => this.mutatePod(attrs, listed)) : this.mutatePod(attrs, classes);
  }

  private mutatePod(attrs: AdmissionAttributes, listed: readonly KubeObject[]): MutationOutcome {
    const spec = ((attrs.object as { spec?: Record<string, unknown> }).spec ??= {});
    const classes = listed as readonly PriorityClass[];
    let name = typeof spec.priorityClassName === 'string' && spec.priorityClassName ? spec.priorityClassName : undefined;
    let pc: PriorityClass | undefined;
    if (name) {
      pc = classes.find((c) => c.metadata.name === name);
      if (!pc) throw errors.forbidden({ group: '', resource: 'pods' }, refusedName(attrs), `no PriorityClass with name ${name} was found`);
    } else {
      pc = classes.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
      name = pc?.metadata.name;
    }
    const priority = pc?.value ?? 0;
    if (typeof spec.priority === 'number' && spec.priority !== priority) {
      throw errors.forbidden({ group: '', resource: 'pods' }, refusedName(attrs), `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    spec.priority = priority;
    if (name) spec.priorityClassName = name;
    spec.preemptionPolicy ??= pc?.preemptionPolicy ?? 'PreemptLowerPriority';
  }

  // Answers at once for what it does not look at: the chain awaits only a promise.
  validate(attrs: AdmissionAttributes): Promise<void> | void {
    if (attrs.resource.group !== 'scheduling.k8s.io' || attrs.resource.plural !== 'priorityclasses') return;
    return this.validatePriorityClass(attrs);
  }

  private async validatePriorityClass(attrs: AdmissionAttributes): Promise<void> {
    if (attrs.operation === 'DELETE' && systemPriorityClasses.some((s) => s.metadata.name === attrs.name)) {
      throw errors.forbidden({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, attrs.name, `the ${attrs.name} system priority class cannot be deleted`);
    }
    const pc = attrs.object as PriorityClass | undefined;
    if ((attrs.operation === 'CREATE' || attrs.operation === 'UPDATE') && pc?.globalDefault) {
      const other = ((await this.listClasses()) as readonly PriorityClass[]).find((c) => c.globalDefault && c.metadata.name !== pc.metadata.name);
      if (other) throw errors.forbidden({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, attrs.name, `PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist`);
    }
  }
}
