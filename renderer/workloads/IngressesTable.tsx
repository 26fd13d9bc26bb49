// Ingresses with their rules: host and path, the URL that opens it here
// (through PodLab's ingress controller), and the backend Service, flagged
// when that Service does not exist (requests get 503) or when the Ingress
// has no address yet (no controller serves its class).

import type { KubeObject } from '../../preload/api.ts';
import { ExternalLink } from '../components/ExternalLink.tsx';
import { useWatch } from '../hooks/useWatch.ts';
import { ingressRoutes } from '../ingressUrls.ts';
import { resources } from '../resourceTypes.ts';
import { KindCard } from './KindCard.tsx';

function className(ingress: KubeObject): string {
  return ((ingress as { spec?: { ingressClassName?: string } }).spec?.ingressClassName ?? ingress.metadata.annotations?.['kubernetes.io/ingress.class']) || '(none)';
}

export function IngressesTable({ namespace }: { namespace: string }) {
  const ingresses = useWatch<KubeObject>({ resource: resources.ingresses, namespace: namespace || undefined });
  const services = useWatch<KubeObject>({ resource: resources.services, namespace: namespace || undefined });
  const serviceExists = (ns: string | undefined, name: string) => services.items.some((s) => s.metadata.namespace === ns && s.metadata.name === name);
  return (
    <KindCard title="Ingresses" table="ingresses" count={ingresses.items.length} error={ingresses.error} empty={`None${namespace ? ` in ${namespace}` : ''}.`}>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Class</th>
            <th>Host and path</th>
            <th>Open</th>
            <th>Backend</th>
          </tr>
        </thead>
        <tbody>
          {ingresses.items.flatMap((ingress) => {
            const routes = ingressRoutes(ingress);
            const addressed = routes.some((r) => r.url);
            return routes.map((route, i) => (
              <tr key={`${ingress.metadata.uid}/${i}`} data-ingress={ingress.metadata.name}>
                <td>{i === 0 ? ingress.metadata.name : ''}</td>
                {!namespace && <td>{i === 0 ? ingress.metadata.namespace : ''}</td>}
                <td>{i === 0 ? className(ingress) : ''}</td>
                <td>
                  {route.host || '*'}
                  <span className="muted">
                    {route.path} {route.pathType && `(${route.pathType})`}
                  </span>
                </td>
                <td>{route.url ? <ExternalLink url={route.url} /> : <span className="tone-warn">{addressed ? '' : 'no address yet: no ingress controller serves this class'}</span>}</td>
                <td>
                  {route.backend}
                  {route.service && !serviceExists(ingress.metadata.namespace, route.service) && <span className="tone-bad"> · Service "{route.service}" not found: requests get 503</span>}
                </td>
              </tr>
            ));
          })}
        </tbody>
      </table>
    </KindCard>
  );
}
