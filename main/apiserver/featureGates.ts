// Feature gates of the API server that change what a client sees, each with
// Kubernetes 1.32's default (the version PodLab serves), settable as
// kube-apiserver's --feature-gates: `podlab serve --feature-gates Name=true`.

export const featureGateDefaults = {
  // kube-apiserver 1.35 (beta, on): a WebSocket exec, attach or portforward (a GET) needs create too, as SPDY's POST does. Off in 1.32.
  AuthorizePodWebsocketUpgradeCreatePermission: false,
};

export type FeatureGates = typeof featureGateDefaults;
export type FeatureGate = keyof FeatureGates;

/** `A=true,B=false` as component-base parses it; an unknown gate or a value that is not a boolean is an error in its words. */
export function parseFeatureGates(text: string): FeatureGates {
  const gates = { ...featureGateDefaults };
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name = '', value = ''] = entry.split('=', 2);
    if (!Object.hasOwn(featureGateDefaults, name)) throw new Error(`unrecognized feature gate: ${name}`);
    if (!/^(true|false)$/i.test(value)) throw new Error(`invalid value of ${name}=${value}, err: strconv.ParseBool: parsing "${value}": invalid syntax`);
    gates[name as FeatureGate] = value.toLowerCase() === 'true';
  }
  return gates;
}
