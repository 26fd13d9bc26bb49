// Ingresses with their rules: host and path, the URL that opens it here
// (through PodLab's ingress controller), and the backend Service, flagged
// when that Service does not exist (requests get 503) or when the Ingress
// has no address yet (no controller serves its class).

import type { KubeObject } from '../../preload/api.ts';
import { ExternalLink } from '../components/ExternalLink.tsx';
import { useWatch } from '../hooks/useWatch.ts';
import { ingressAddress, ingressRoutes, type IngressRoute } from '../ingressUrls.ts';
import { resources } from '../resourceTypes.ts';
import { KindCard } from './KindCard.tsx';

function className(ingress: KubeObject): string {
  return ((ingress as { spec?: { ingressClassName?: string } }).spec?.ingressClassName ?? ingress.metadata.annotations?.['kubernetes.io/ingress.class']) || '(none)';
}

/** kubectl's ADDRESS and PORTS, or why there is no URL to open yet. */
function AddressCell({ ingress }: { ingress: KubeObject }) {
  const address = ingressAddress(ingress);
  if (!address) return <span className="tone-warn">no address yet: no ingress controller serves this class</span>;
  return (
    <>
      {address.address} <span className="muted">ports {address.ports.join(', ')}</span>
    </>
  );
}

export function IngressesTable({ namespace }: { namespace: string }) {
  const ingresses = useWatch<KubeObject>({ resource: resources.ingresses, namespace: namespace || undefined });
  const services = useWatch<KubeObject>(ingresses.items.length ? { resource: resources.services, namespace: namespace || undefined } : undefined);
  // Only a synced list can say a Service is missing; before that every backend would look missing.
  const missing = (ns: string | undefined, name: string) => services.synced && !services.items.some((s) => s.metadata.namespace === ns && s.metadata.name === name);
  return (
    <KindCard title="Ingresses" table="ingresses" count={ingresses.items.length} error={ingresses.error} empty={<>None{namespace ? ` in ${namespace}` : ''}. An Ingress routes hosts and paths to Services: try the “Ingress serving two hosts” sample.</>}>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Class</th>
            <th>Address</th>
            <th>Host and path</th>
            <th>Open</th>
            <th>Backend</th>
          </tr>
        </thead>
        <tbody>
          {ingresses.items.flatMap((ingress) => {
            const routes = ingressRoutes(ingress);
            // Rules with hosts but no paths, and no default backend: still a row, so the Ingress does not vanish.
            const rows: Array<IngressRoute | undefined> = routes.length ? routes : [undefined];
            return rows.map((route, i) => (
              <tr key={`${ingress.metadata.uid}/${i}`} data-ingress={ingress.metadata.name}>
                <td>{i === 0 ? ingress.metadata.name : ''}</td>
                {!namespace && <td>{i === 0 ? ingress.metadata.namespace : ''}</td>}
                <td>{i === 0 ? className(ingress) : ''}</td>
                <td>{i === 0 && <AddressCell ingress={ingress} />}</td>
                {route ? (
                  <>
                    <td>
                      {route.host || '*'}
                      <span className="muted">
                        {route.path} {route.pathType && `(${route.pathType})`}
                      </span>
                    </td>
                    <td>{route.url && <ExternalLink url={route.url} />}</td>
                    <td>
                      {route.backend}
                      {route.service && missing(ingress.metadata.namespace, route.service) && <span className="tone-bad"> · Service "{route.service}" not found: requests get 503</span>}
                    </td>
                  </>
                ) : (
                  <td colSpan={3} className="muted">
                    no paths and no default backend: it routes nothing
                  </td>
                )}
              </tr>
            ));
          })}
        </tbody>
      </table>
    </KindCard>
  );
}
