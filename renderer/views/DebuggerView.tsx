// The Debugger view: the workload chosen from the Workloads view (why its
// pods are not created), and the requests admission refused lately in the
// namespace, which leave nothing else behind. Pods have their own Debug tab.

import type { ObjectRef } from '../../preload/api.ts';
import { RefusedRequestsPanel, WorkloadDebugger } from './DebuggerPanel.tsx';

export function DebuggerView({ namespace, workload, onCloseWorkload }: { namespace: string; workload?: ObjectRef; onCloseWorkload: () => void }) {
  return (
    <section className="view scroll">
      <header className="view-head">
        <h1>Debugger</h1>
      </header>
      {workload ? (
        <WorkloadDebugger key={`${workload.resource.plural}/${workload.namespace}/${workload.name}`} target={workload} onClose={onCloseWorkload} />
      ) : (
        <p className="muted">Choose Debug on a workload in the Workloads view to see why its pods are not being created. A pod that exists has its own Debug tab.</p>
      )}
      <RefusedRequestsPanel namespace={namespace} />
    </section>
  );
}
