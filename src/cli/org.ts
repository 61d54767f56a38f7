import type { Client } from './client.ts';

/** --org, else CLAWPLANE_ORG, else the only organization the caller can see. */
export async function resolveOrg(client: Client, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = flag ?? env.CLAWPLANE_ORG;
  if (given) return given;
  const { items } = await client.json<{ items: { metadata: { name: string } }[] }>('GET', '/v1/orgs');
  if (items.length === 1) return items[0]!.metadata.name;
  if (items.length === 0) throw new Error('no organization exists yet (or none is visible to you): apply a fleet file with an Organization first');
  throw new Error(`several organizations are visible (${items.map((i) => i.metadata.name).join(', ')}): pick one with --org or CLAWPLANE_ORG`);
}
