// Adapt one gateway's manifests to what `podman kube play` (4.3) runs: it has no StatefulSet,
// Service, NetworkPolicy or PodDisruptionBudget, and a Secret in the YAML is broken (the secret
// is created with `podman secret create` instead). The pod template becomes a Pod and the state
// volumeClaimTemplate a PVC of the same name a StatefulSet would create. Everything else — the
// container, env, probes, security context, volumes — is the generated manifest, unchanged.
import type { KubeGatewayManifests } from './gateway-manifests.ts';
import { STATE_VOLUME, podName, statePvcName } from './gateway-manifests.ts';
import type { KubeObject } from './kube-object.ts';

interface StsSpec {
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { volumes: Record<string, unknown>[] } & Record<string, unknown> };
  volumeClaimTemplates: { metadata: { name: string; labels?: Record<string, string> }; spec: Record<string, unknown> }[];
}

export function toKubePlay(m: KubeGatewayManifests): KubeObject[] {
  const sts = m.statefulSet.spec as StsSpec;
  const gateway = m.statefulSet.metadata.name;
  const ns = m.statefulSet.metadata.namespace;
  const claim = sts.volumeClaimTemplates.find((c) => c.metadata.name === STATE_VOLUME);
  const pvc: KubeObject = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: statePvcName(gateway), ...(ns ? { namespace: ns } : {}), labels: claim?.metadata.labels ?? {} },
    spec: claim?.spec ?? {},
  };
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: podName(gateway), ...(ns ? { namespace: ns } : {}),
      labels: sts.template.metadata.labels,
      ...(sts.template.metadata.annotations ? { annotations: sts.template.metadata.annotations } : {}),
    },
    spec: {
      ...sts.template.spec,
      restartPolicy: 'Always',
      volumes: [...sts.template.spec.volumes, { name: STATE_VOLUME, persistentVolumeClaim: { claimName: statePvcName(gateway) } }],
    },
  };
  return [m.configMap, pvc, pod];
}
