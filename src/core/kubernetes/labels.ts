// Ownership labels and annotation keys on every Kubernetes object Clawplane generates.
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'clawplane';
export const ORG_LABEL = 'clawplane.dev/org';
export const GROUP_LABEL = 'clawplane.dev/group';
export const GATEWAY_LABEL = 'clawplane.dev/gateway';
export const SPEC_HASH_ANNOTATION = 'clawplane.dev/spec-hash';
export const CONFIG_HASH_ANNOTATION = 'clawplane.dev/config-hash';
export const RESTARTED_AT_ANNOTATION = 'clawplane.dev/restartedAt';
export const EGRESS_HOSTS_ANNOTATION = 'clawplane.dev/egress-hosts';
/** Pods of the control plane carry this label; loopback-exposed gateways accept only them. */
export const CONTROL_PLANE_SELECTOR = { 'app.kubernetes.io/name': 'clawplane', 'app.kubernetes.io/component': 'control-plane' };

/** Labels that select one gateway's pods (immutable in a StatefulSet selector). */
export function selectorLabels(org: string, gateway: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [ORG_LABEL]: org, [GATEWAY_LABEL]: gateway };
}

/** Selector string of everything Clawplane manages, optionally narrowed to an org / gateway. */
export function ownershipSelector(org?: string, gateway?: string): string {
  return [`${MANAGED_BY_LABEL}=${MANAGED_BY}`, ...(org ? [`${ORG_LABEL}=${org}`] : []), ...(gateway ? [`${GATEWAY_LABEL}=${gateway}`] : [])].join(',');
}

export function gatewayLabels(g: { org: string; gateway: string; group?: string; runtimeVersion: string }): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'openclaw',
    'app.kubernetes.io/instance': g.gateway,
    'app.kubernetes.io/component': 'gateway',
    'app.kubernetes.io/version': g.runtimeVersion,
    ...selectorLabels(g.org, g.gateway),
    ...(g.group ? { [GROUP_LABEL]: g.group } : {}),
  };
}
