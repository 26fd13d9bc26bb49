// An object's place in the ownership graph: the owners its ownerReferences
// name (the controller marked), and the objects that name it as theirs. Each
// is a link to that object in the browser.

import type { AffectedObject, KubeObject, ObjectRef } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { usePolledCall } from '../hooks/usePolledCall.ts';
import { groupOf, type ResourceLocation } from './location.ts';

const refreshMs = 5_000;

interface Props {
  object: KubeObject;
  target: ObjectRef;
  onOpen: (location: ResourceLocation) => void;
}

export function Relations({ object, target, onOpen }: Props) {
  const owners = object.metadata.ownerReferences ?? [];
  const owned = usePolledCall(() => requireBridge().call('resources.owned', target), refreshMs, [JSON.stringify(target), object.metadata.uid]);
  const openOwned = (o: AffectedObject) => onOpen({ group: o.resource.group, kind: o.kind, object: { ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name } });
  return (
    <div className="relations">
      <h3>Owner</h3>
      {owners.length === 0 ? (
        <p className="muted">None: nothing deletes this object when something else goes.</p>
      ) : (
        <ul className="relation-list" aria-label="Owners">
          {owners.map((o) => (
            <li key={o.uid}>
              <button
                className="link"
                onClick={() =>
                  // An owner is in the object's namespace, or cluster-scoped: the browser resolves which from the kind.
                  onOpen({ group: groupOf(o.apiVersion) ?? '', kind: o.kind, object: { ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: o.name } })
                }
              >
                {o.kind.toLowerCase()}/{o.name}
              </button>
              {o.controller && <span className="chip">controller</span>}
              {o.blockOwnerDeletion && <span className="chip">blockOwnerDeletion</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Owned objects</h3>
      {owned.error && <ErrorBox error={owned.error} />}
      {!owned.value ? (
        <p className="muted">Looking for objects that name it as their owner…</p>
      ) : owned.value.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="relation-list" aria-label="Owned objects">
          {owned.value.map((o) => (
            <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`}>
              <button className="link" onClick={() => openOwned(o)}>
                {o.kind.toLowerCase()}/{o.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
