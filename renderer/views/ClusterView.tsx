// The cluster view: the clusters this user has (switch, create, delete), then
// the shown cluster's nodes (stop, start, add, remove; what their pods take).

import { ClustersCard } from '../cluster/ClustersCard.tsx';
import { NodeList } from '../cluster/NodeList.tsx';

export function ClusterView() {
  return (
    <section className="view scroll cluster-view">
      <header className="view-head">
        <h1>Cluster</h1>
      </header>
      <ClustersCard />
      <NodeList />
    </section>
  );
}
