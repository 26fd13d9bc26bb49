// The image whose iptables-restore writes a pod's NetworkPolicy rules into the
// pod's own network namespace (a short-lived container joined to the pod's
// sandbox, with NET_ADMIN). kube-proxy's image carries iptables for exactly
// this kind of work and is pulled once; `npm run test:setup` imports a local
// stand-in under this name.

export const POLICY_IMAGE = 'registry.k8s.io/kube-proxy:v1.32.0';
