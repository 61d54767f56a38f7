// Namespace per organization (default `clawplane-<org>`), or the one a Gateway/Group/Org target names.
import { type Issue, issue } from '../issues.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, ORG_LABEL } from './labels.ts';
import type { KubeObject } from './kube-object.ts';

const RESERVED = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export function namespaceFor(org: string, explicit?: string): string {
  if (explicit) return explicit;
  const prefixed = `clawplane-${org}`;
  return prefixed.length <= 63 ? prefixed : org;
}

export function checkNamespace(ns: string, resource: string): Issue[] {
  if (RESERVED.has(ns)) {
    return [issue('namespace_reserved', 'spec.target.namespace', `namespace "${ns}" is reserved by Kubernetes; gateways get their own namespace`, { resource, hint: 'omit target.namespace (default clawplane-<org>) or name a dedicated namespace' })];
  }
  return [];
}

/**
 * The Namespace object. Pods follow the `restricted` Pod Security Standard, which the namespace
 * enforces, unless the gateways use the host network (then nothing is enforced: say so).
 */
export function buildNamespace(name: string, org: string, opts: { hostNetwork?: boolean } = {}): KubeObject {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY, [ORG_LABEL]: org };
  if (!opts.hostNetwork) {
    labels['pod-security.kubernetes.io/enforce'] = 'restricted';
    labels['pod-security.kubernetes.io/enforce-version'] = 'latest';
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
