// Builds the Kubernetes RuntimeDriver from the environment, for the composition root:
//   CLAWPLANE_KUBECONFIG=<file>  (or KUBECONFIG, or in-cluster service account via loadFromDefault)
//   CLAWPLANE_KUBE_CONTEXT=<name>           optional context
//   CLAWPLANE_KUBE_HOST_NETWORK=1           pods on the host network (single-node clusters)
//   CLAWPLANE_KUBE_STORAGE_CLASS=<name>     state PVC storage class
// Returns undefined when nothing points at a cluster, so the kubernetes target stays unavailable
// (gateways with target kubernetes are then reported, not deployed, by the caller).
import { KubeConfig } from '@kubernetes/client-node';
import { type KubernetesDriver, createKubernetesDriver } from '../runtimes/kubernetes/kube-driver.ts';

export function kubernetesDriverFromEnv(env: NodeJS.ProcessEnv): KubernetesDriver | undefined {
  const file = env.CLAWPLANE_KUBECONFIG ?? env.KUBECONFIG;
  const inCluster = env.KUBERNETES_SERVICE_HOST !== undefined;
  if (!file && !inCluster) return undefined;
  const kubeConfig = new KubeConfig();
  if (env.CLAWPLANE_KUBECONFIG) kubeConfig.loadFromFile(env.CLAWPLANE_KUBECONFIG);
  else kubeConfig.loadFromDefault();
  if (env.CLAWPLANE_KUBE_CONTEXT) kubeConfig.setCurrentContext(env.CLAWPLANE_KUBE_CONTEXT);
  return createKubernetesDriver({
    kubeConfig,
    network: env.CLAWPLANE_KUBE_HOST_NETWORK === '1' ? 'host' : 'pod',
    ...(env.CLAWPLANE_KUBE_STORAGE_CLASS ? { storage: { storageClassName: env.CLAWPLANE_KUBE_STORAGE_CLASS } } : {}),
  });
}
