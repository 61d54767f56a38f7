// Validate generated objects against the official Kubernetes OpenAPI schemas (kubernetes-models,
// generated from Kubernetes 1.27), plus the name/key rules those schemas do not encode.
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-models/v1';
import { type Issue, issue } from '../issues.ts';
import type { KubeObject } from './kube-object.ts';

type Validator = (o: KubeObject) => void;
const VALIDATORS: Record<string, Validator> = {
  'v1/ConfigMap': (o) => new ConfigMap(o as never).validate(),
  'v1/Secret': (o) => new Secret(o as never).validate(),
  'v1/Service': (o) => new Service(o as never).validate(),
  'v1/Namespace': (o) => new Namespace(o as never).validate(),
  'v1/Pod': (o) => new Pod(o as never).validate(),
  'v1/PersistentVolumeClaim': (o) => new PersistentVolumeClaim(o as never).validate(),
  'apps/v1/StatefulSet': (o) => new StatefulSet(o as never).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o as never).validate(),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o as never).validate(),
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function where(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

export function validateKubeObject(o: KubeObject): Issue[] {
  const out: Issue[] = [];
  const resource = where(o);
  const validate = VALIDATORS[`${o.apiVersion}/${o.kind}`];
  if (!validate) return [issue('k8s_unknown_kind', 'kind', `no schema for ${o.apiVersion} ${o.kind}`, { resource })];
  try {
    validate(o);
  } catch (e) {
    out.push(issue('k8s_schema', 'spec', `${resource} does not match the Kubernetes schema: ${e instanceof Error ? e.message : String(e)}`, { resource }));
  }
  const nameRule = o.kind === 'Namespace' || o.kind === 'Service' || o.kind === 'StatefulSet' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!nameRule.test(o.metadata.name) || o.metadata.name.length > (nameRule === DNS_LABEL ? 63 : 253)) {
    out.push(issue('k8s_name', 'metadata.name', `${resource}: "${o.metadata.name}" is not a valid ${nameRule === DNS_LABEL ? 'DNS-1123 label' : 'DNS-1123 subdomain'}`, { resource }));
  }
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) out.push(issue('k8s_label', `metadata.labels.${k}`, `${resource}: label value "${v}" is invalid`, { resource }));
  }
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
    for (const k of Object.keys((o.data ?? {}) as Record<string, unknown>)) {
      if (!DATA_KEY.test(k) || k.length > 253) out.push(issue('k8s_data_key', `data.${k}`, `${resource}: key "${k}" must match [-._a-zA-Z0-9]+`, { resource }));
    }
  }
  return out;
}

export function validateKubeObjects(objects: readonly KubeObject[]): Issue[] {
  return objects.flatMap(validateKubeObject);
}
