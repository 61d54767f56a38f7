// 5,000 generated malformed fleet files and API bodies: never a 5xx, never a crash, nothing half-applied.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../helpers/api-harness.ts';

const base = `kind: Organization
metadata: { name: acme }
spec: { displayName: Acme }
`;

describe('generated bad input against the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    expect((await h.request('POST', '/v1/apply', { text: base })).status).toBe(200);
  });
  afterAll(async () => h?.close());

  const fragment = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.record({
      kind: fc.constantFrom('Gateway', 'Agent', 'Binding', 'ChannelAccount', 'Policy', 'Bogus'),
      metadata: fc.oneof(fc.record({ name: fc.string({ maxLength: 70 }), gateway: fc.string({ maxLength: 10 }) }), fc.anything()),
      spec: fc.oneof(fc.anything(), fc.record({ port: fc.oneof(fc.integer(), fc.string()), agent: fc.string(), match: fc.anything() })),
    }).map((v) => JSON.stringify(v)),
  );

  it('answers 2,500 generated (mostly malformed) fleet files without a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { minLength: 1, maxLength: 3 }), async (docs) => {
        const res = await h.request('POST', '/v1/apply', { text: `${base}---\n${docs.join('\n---\n')}` });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
        else await res.body?.cancel();
      }),
      { numRuns: 2500 },
    );
    expect(statuses.get(422)).toBeGreaterThan(2000);
  });

  it('answers 4xx (never 5xx) to 2,500 malformed resource bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fragment.map((f) => ({ raw: f }))), async (body) => {
        const raw = (body as { raw?: string } | null)?.raw;
        const res = await h.request('POST', '/v1/orgs/acme/gateways', raw !== undefined ? { text: raw, type: 'application/json' } : { body: body ?? null });
        expect(res.status).toBeLessThan(500);
        await res.body?.cancel();
      }),
      { numRuns: 2500 },
    );
  });

  it('applied no agent from the rejected input (all lacked a gateway)', async () => {
    const { items } = (await (await h.request('GET', '/v1/orgs/acme/agents')).json()) as { items: unknown[] };
    expect(items.length).toBeLessThanOrEqual(0);
  });
});
