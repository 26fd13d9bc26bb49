// The left of the resource browser: every kind the API serves that can be
// listed, grouped by API group, with a filter box.

import { useState } from 'react';
import type { ApiGroupKinds, ApiKind } from '../../preload/api.ts';
import { browsableKinds, groupTitle, kindTitle } from './kindTitle.ts';

interface Props {
  groups: ApiGroupKinds[] | undefined;
  selected?: ApiKind;
  onSelect: (kind: ApiKind) => void;
}

export function KindList({ groups, selected, onSelect }: Props) {
  const [filter, setFilter] = useState('');
  const shown = groups ? browsableKinds(groups, filter) : [];
  return (
    <nav className="kind-list" aria-label="Kinds">
      <input className="kind-filter" placeholder="Filter kinds" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter kinds" />
      <div className="kind-groups">
        {!groups && <p className="muted">Reading discovery…</p>}
        {groups && shown.length === 0 && <p className="muted">No kind matches “{filter}”.</p>}
        {shown.map((g) => (
          <div key={g.group} role="group" aria-label={groupTitle(g.group)} className="kind-group">
            <h3>{groupTitle(g.group)}</h3>
            {g.kinds.map((k) => {
              const active = selected?.resource.group === k.resource.group && selected.resource.plural === k.resource.plural;
              return (
                <button
                  key={k.resource.plural}
                  className={active ? 'active' : ''}
                  aria-current={active ? 'true' : undefined}
                  title={`${k.kind} (${k.resource.group ? `${k.resource.group}/` : ''}${k.resource.version}, ${k.namespaced ? 'namespaced' : 'cluster-scoped'})`}
                  onClick={() => onSelect(k)}
                >
                  {kindTitle(k)}
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </nav>
  );
}
