// Reading an organization's whole desired state from the store.
import type { FleetDocument } from '../core/fleet-file.ts';
import { type Kind, type Resource, kindNames } from '../core/resources.ts';
import type { Repos } from '../core/ports/store.ts';

export async function listAll<K extends Kind>(repos: Repos, org: string, kind: K, filter: { gateway?: string; labels?: Record<string, string>; group?: string } = {}): Promise<Resource<K>[]> {
  const out: Resource<K>[] = [];
  let cont: string | undefined;
  do {
    const page = await repos.resources.list(org, kind, { ...filter, limit: 1000, ...(cont ? { continue: cont } : {}) });
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out;
}

export function toDocument(r: Resource, index = 0): FleetDocument {
  const { name, org, group, gateway, labels, annotations } = r.metadata;
  const metadata: FleetDocument['metadata'] = { name, org };
  if (group) metadata.group = group;
  if (gateway) metadata.gateway = gateway;
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return { apiVersion: r.apiVersion, kind: r.kind, metadata, spec: r.spec as Record<string, unknown>, index };
}

export async function loadOrgDocuments(repos: Repos, org: string): Promise<FleetDocument[]> {
  const out: FleetDocument[] = [];
  for (const kind of kindNames) {
    if (kind === 'Organization') {
      const o = await repos.resources.get(org, 'Organization', org);
      if (o) out.push(toDocument(o));
      continue;
    }
    for (const r of await listAll(repos, org, kind)) out.push(toDocument(r));
  }
  return out;
}
