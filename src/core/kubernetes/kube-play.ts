// Adapt one gateway's manifests to what `podman kube play` (4.3) runs: it has no StatefulSet,
// Service, NetworkPolicy or PodDisruptionBudget, and a Secret in the YAML is broken (the secret
// is created with `podman secret create` instead). The pod template becomes a Pod and the state
// volumeClaimTemplate a PVC of the same name a StatefulSet would create. Everything else — the
// container, env, probes, security context, volumes — is the generated manifest, unchanged
// (except the container port list, which podman refuses with host networking).
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
  // Podman 4.3 refuses container ports with host networking ("PortMappings can only be used with
  // Bridge or slirp4netns networking"); probes use the port number, so the list can go.
  const containers = (sts.template.spec.containers as Record<string, unknown>[]).map(({ ports: _ports, ...rest }) => rest);
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: podName(gateway), ...(ns ? { namespace: ns } : {}),
      labels: sts.template.metadata.labels,
      // Podman 4.3 fails removing a finished "once" init container ("cannot remove container … as
      // it is running"); "always" keeps it and reruns it on every pod start, like a pod restart would.
      annotations: { ...(sts.template.metadata.annotations ?? {}), 'io.podman.annotations.init.container.type': 'always' },
    },
    spec: {
      ...sts.template.spec,
      containers,
      // OnFailure: with Always podman also restarts the finished init container, forever.
      restartPolicy: 'OnFailure',
      volumes: [...sts.template.spec.volumes, { name: STATE_VOLUME, persistentVolumeClaim: { claimName: statePvcName(gateway) } }],
    },
  };
  return [m.configMap, pvc, pod];
}
