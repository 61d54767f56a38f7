// Queue keys and deployment ids of gateways. Org and gateway names are DNS labels (no "/").

export interface GatewayRef {
  org: string;
  name: string;
}

export function gatewayKey(org: string, name: string): string {
  return `${org}/${name}`;
}

export function parseGatewayKey(key: string): GatewayRef {
  const i = key.indexOf('/');
  if (i <= 0 || i === key.length - 1 || key.indexOf('/', i + 1) !== -1) throw new Error(`invalid gateway key "${key}"`);
  return { org: key.slice(0, i), name: key.slice(i + 1) };
}

/** The RuntimeDriver deployment id of a gateway (see GatewayDeployment.id). */
export function deploymentId(org: string, name: string): string {
  return `${org}--${name}`;
}
