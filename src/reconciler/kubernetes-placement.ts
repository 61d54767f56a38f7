// What the Kubernetes driver needs beyond the rendered files: the namespace the fleet names,
// the exposure (ingress rule) and the hosts the egress allowlist is for.
import { egressHostsFor } from '../core/containers/egress-hosts.ts';
import type { EffectiveGateway } from '../core/model.ts';
import type { GatewayDeployment } from '../core/ports/runtime.ts';

export function kubernetesPlacement(g: EffectiveGateway): NonNullable<GatewayDeployment['kubernetes']> {
  return { ...(g.target.namespace ? { namespace: g.target.namespace } : {}), exposure: g.spec.exposure, egressHosts: egressHostsFor(g) };
}
