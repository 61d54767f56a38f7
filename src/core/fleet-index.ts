// Plain resource documents of a fleet, indexed by kind and org (shared by effective models and policy).

/** A resource as `{kind, metadata, spec}` (a FleetDocument or a stored Resource both fit). */
export interface ResourceDoc {
  kind: string;
  metadata: { name: string; org?: string; group?: string; gateway?: string; labels?: Record<string, string> };
  spec: unknown;
}

/** Index of a fleet's documents by kind and org; built once, shared by every gateway. */
export interface FleetIndex {
  byKind: Map<string, ResourceDoc[]>;
  orgOf: (d: ResourceDoc) => string;
}

export function indexFleet(docs: readonly ResourceDoc[]): FleetIndex {
  const byKind = new Map<string, ResourceDoc[]>();
  const orgs = docs.filter((d) => d.kind === 'Organization');
  const soleOrg = orgs.length === 1 ? orgs[0]?.metadata.name : undefined;
  for (const d of docs) {
    const list = byKind.get(d.kind);
    if (list) list.push(d);
    else byKind.set(d.kind, [d]);
  }
  return { byKind, orgOf: (d) => (d.kind === 'Organization' ? d.metadata.name : (d.metadata.org ?? soleOrg ?? '')) };
}

