// Every kind the API serves, custom resources included: the kinds by API
// group on the left (from discovery), the chosen kind's objects as the
// server prints them on the right, and one object's detail.

import type { ApiKind } from '../../preload/api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { KindList } from '../resources/KindList.tsx';
import { KindTable } from '../resources/KindTable.tsx';
import { groupTitle, resolveKind } from '../resources/kindTitle.ts';
import type { ResourceLocation } from '../resources/location.ts';
import { ObjectDetail } from '../resources/ObjectDetail.tsx';
import { useKinds } from '../resources/useKinds.ts';

interface Props {
  namespace: string;
  location?: ResourceLocation;
  onLocation: (location: ResourceLocation | undefined) => void;
  onOpenPod: (namespace: string, name: string) => void;
}

export function ResourcesView({ namespace, location, onLocation, onOpenPod }: Props) {
  const { groups, error } = useKinds();
  const kind = groups && location ? resolveKind(groups, location.group, location.kind) : undefined;
  const select = (k: ApiKind) => onLocation({ group: k.resource.group, kind: k.kind });
  return (
    <section className="view resources-view">
      <div className="resources-layout">
        <KindList groups={groups} selected={kind} onSelect={select} />
        <div className="resources-main">
          {error && <ErrorBox error={error} next="Discovery is read again every few seconds." />}
          {!location ? (
            <p className="muted">Choose a kind on the left: every kind the API server serves is there, custom resources included.</p>
          ) : !groups ? (
            <p className="muted">Reading discovery…</p>
          ) : !kind ? (
            <p className="muted">
              The API server does not serve {location.kind}
              {location.group !== undefined ? ` in group ${groupTitle(location.group)}` : ''} (any more).
            </p>
          ) : location.object ? (
            <ObjectDetail
              key={`${kind.resource.group}/${kind.resource.plural}/${location.object.namespace ?? ''}/${location.object.name}`}
              kind={kind}
              groups={groups}
              namespace={location.object.namespace}
              name={location.object.name}
              onBack={() => select(kind)}
              onOpen={onLocation}
              onOpenPod={onOpenPod}
            />
          ) : (
            <KindTable
              key={`${kind.resource.group}/${kind.resource.plural}`}
              kind={kind}
              namespace={namespace}
              onOpen={(o) => onLocation({ group: kind.resource.group, kind: kind.kind, object: { ...(o.namespace ? { namespace: o.namespace } : {}), name: o.name } })}
            />
          )}
        </div>
      </div>
    </section>
  );
}
