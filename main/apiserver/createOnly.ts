// Kinds that are only ever created and answered, never stored (the access
// reviews, SelfSubjectReview): kube-apiserver serves them with a
// rest.Creater of their own instead of a storage-backed registry. The
// dispatcher hands their (authorized, decoded) create to the handler
// registered for the resource.

import type { UserInfo } from './auth/user.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { ResourceDefinition } from './registry/resourceDefinition.ts';

export interface CreateOnlyHandler {
  /** The answer: usually the request object with its status filled in. */
  create(user: UserInfo, obj: KubeObject, namespace: string): Promise<KubeObject> | KubeObject;
}

export class CreateOnlyResources {
  private readonly handlers = new Map<string, CreateOnlyHandler>();

  register(def: Pick<ResourceDefinition, 'group' | 'plural'>, handler: CreateOnlyHandler): void {
    this.handlers.set(`${def.group}/${def.plural}`, handler);
  }

  handlerFor(def: Pick<ResourceDefinition, 'group' | 'plural'>): CreateOnlyHandler | undefined {
    return this.handlers.get(`${def.group}/${def.plural}`);
  }
}
