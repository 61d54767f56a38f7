import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReferences, parseFleet } from './fleet-file.ts';

const good = `
apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: acme }
spec: { displayName: Acme Corp }
---
kind: Gateway
metadata: { name: support-gw, labels: { env: prod } }
spec: { profile: usecase, port: 18800 }
---
kind: Agent
metadata: { name: helpdesk, gateway: support-gw }
spec: { kind: usecase, model: anthropic/claude-sonnet-4-6 }
`;

describe('parseFleet', () => {
  it('parses multi-document YAML, fills the org from the single Organization and applies defaults', () => {
    const { documents, issues } = parseFleet(good);
    expect(issues).toEqual([]);
    expect(documents.map((d) => `${d.kind}/${d.metadata.name}@${d.metadata.org}`)).toEqual(['Organization/acme@acme', 'Gateway/support-gw@acme', 'Agent/helpdesk@acme']);
    expect(documents[1]!.spec).toMatchObject({ exposure: 'loopback', desiredState: 'running' });
  });

  it('parses JSON5 arrays', () => {
    const { documents, issues } = parseFleet(`[{kind: 'Organization', metadata: {name: 'x'}, spec: {displayName: 'X',},},]`, 'f.json5');
    expect(issues).toEqual([]);
    expect(documents).toHaveLength(1);
  });

  it('names the document and field of every problem', () => {
    const { issues } = parseFleet(`${good}---
kind: Gateway
metadata: { name: Bad_Name }
spec: { port: "x", bogus: 1 }
---
kind: Nope
metadata: { name: a }
spec: {}
`);
    expect(issues.some((i) => i.document === 3 && i.path === 'metadata.name' && /DNS-1123/.test(i.message))).toBe(true);
    expect(issues.some((i) => i.document === 4 && i.code === 'unknown_kind')).toBe(true);
  });

  it('reports unknown spec fields and wrong types with paths', () => {
    const { issues } = parseFleet(`${good}---
kind: Binding
metadata: { name: b, gateway: support-gw }
spec: { agent: helpdesk, match: { channel: telegram, accountId: 7 }, extra: true }
`);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.match.accountId', 'spec']));
  });

  it('reports YAML syntax errors and duplicates', () => {
    expect(parseFleet('kind: [unclosed').issues[0]?.code).toBe('parse_error');
    const dup = parseFleet(`${good}---
kind: Agent
metadata: { name: helpdesk, gateway: support-gw }
spec: {}
`);
    expect(dup.issues.some((i) => i.code === 'duplicate')).toBe(true);
  });

  it('finds dangling references', () => {
    const { documents } = parseFleet(`${good}---
kind: Agent
metadata: { name: lost, gateway: missing-gw }
spec: {}
---
kind: ChannelAccount
metadata: { name: tg, gateway: support-gw }
spec: { channel: telegram, accountId: a1, agent: ghost, credentials: { botToken: { secretRef: nope } } }
`);
    const refs = checkReferences(documents);
    expect(refs.map((i) => `${i.resource} ${i.path}`)).toEqual([
      'Agent/lost metadata.gateway', 'ChannelAccount/tg spec.agent', 'ChannelAccount/tg spec.credentials.botToken.secretRef',
    ]);
  });

  it('never throws on 5,000 generated malformed inputs', () => {
    const anyDoc = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ kind: fc.constantFrom('Gateway', 'Agent', 'Binding', 'Nope', 1), metadata: fc.anything(), spec: fc.anything() }).map((v) => JSON.stringify(v)),
      fc.string().map((s) => `kind: Gateway\nmetadata: { name: ${s} }\nspec: { port: ${s} }`),
    );
    fc.assert(
      fc.property(fc.array(anyDoc, { maxLength: 4 }), (docs) => {
        const result = parseFleet(docs.join('\n---\n'));
        expect(Array.isArray(result.issues)).toBe(true);
        for (const i of result.issues) expect(typeof i.message).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });
});
