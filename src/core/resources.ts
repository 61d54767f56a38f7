// Resource schemas (ARCHITECTURE.md §1). Every resource is {apiVersion, kind, metadata, spec}
// with a server-owned status. Pure: no I/O.
import { z } from 'zod';
import { IMAGE_REF_MESSAGE, isValidImageRef } from './image-ref.ts';
import { agentTurnGateSchema } from './agent-turn.ts';

export const API_VERSION = 'clawplane.dev/v1alpha1';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric, at most 63 characters');

const labelKey = z.string().min(1).max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'invalid label key');
const labelValue = z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'invalid label value');
const shortText = z.string().max(256);
const longText = z.string().max(64 * 1024);
/** OpenClaw env-style id, as required by SecretRef `id` for env/store sources. */
export const envName = z.string().regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'must be an upper-case env name like TG_TOKEN');

export const metadataSchema = z
  .object({
    name: dnsLabel,
    org: dnsLabel.optional(),
    group: dnsLabel.optional(),
    gateway: dnsLabel.optional(),
    labels: z.record(labelKey, labelValue).optional(),
    annotations: z.record(z.string().max(253), z.string().max(4096)).optional(),
    // server-owned, accepted on input for optimistic concurrency only
    resourceVersion: z.number().int().nonnegative().optional(),
    generation: z.number().int().nonnegative().optional(),
    uid: z.string().max(64).optional(),
    createdAt: z.string().max(40).optional(),
    updatedAt: z.string().max(40).optional(),
  })
  .strict();
export type Metadata = z.infer<typeof metadataSchema>;

export const runtimeKinds = ['openclaw', 'nanoclaw'] as const;
export const targetKinds = ['process', 'docker', 'kubernetes'] as const;
const version = z.string().regex(/^\d{4}\.\d{1,2}\.\d{1,3}(-[0-9A-Za-z.-]+)?$/, 'must be a version like 2026.9.6');
export const runtimeRef = z.object({ kind: z.enum(runtimeKinds).default('openclaw'), version: version.optional() }).strict();
export const targetRef = z
  .object({
    kind: z.enum(targetKinds).default('process'),
    image: z.string().max(256).refine(isValidImageRef, IMAGE_REF_MESSAGE).optional(),
    namespace: dnsLabel.optional(),
  })
  .strict();
const defaultsSchema = z
  .object({
    runtime: runtimeRef.optional(),
    target: targetRef.optional(),
    policyPacks: z.array(dnsLabel).max(16).optional(),
    /** Scheduled secret rotation interval for the org (default 90 days). */
    secretRotationDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const secretRef = z.object({ secretRef: dnsLabel }).strict();
export type SecretRefSpec = z.infer<typeof secretRef>;

const organizationSpec = z
  .object({
    displayName: shortText.min(1),
    orgId: z.string().max(64).optional(),
    defaults: defaultsSchema.optional(),
    portRange: z.object({ from: z.number().int().min(1024).max(65535), to: z.number().int().min(1024).max(65535) }).strict().optional(),
  })
  .strict();

const groupSpec = z
  .object({
    displayName: shortText.optional(),
    defaults: defaultsSchema.optional(),
    quota: z.object({ maxGateways: z.number().int().min(0).optional(), maxAgents: z.number().int().min(0).optional() }).strict().optional(),
  })
  .strict();

export const gatewayProfiles = ['human', 'usecase', 'rescue'] as const;
export const trustLevels = ['strict', 'standard', 'shared'] as const;
export const exposures = ['loopback', 'lan', 'tailnet'] as const;
const gatewaySpec = z
  .object({
    profile: z.enum(gatewayProfiles).default('usecase'),
    trustLevel: z.enum(trustLevels).optional(),
    port: z.number().int().min(1024).max(65535).optional(),
    exposure: z.enum(exposures).default('loopback'),
    auth: z.object({ mode: z.enum(['token', 'password', 'none']).default('token') }).strict().optional(),
    runtime: runtimeRef.optional(),
    target: targetRef.optional(),
    desiredState: z.enum(['running', 'stopped']).default('running'),
    resources: z.object({ memoryMiB: z.number().int().min(256).max(65536).optional(), cpus: z.number().min(0.1).max(64).optional() }).strict().optional(),
    paths: z.object({ stateDir: z.string().max(1024).optional() }).strict().optional(),
    env: z.record(envName, secretRef).optional(),
    drift: z.enum(['restore', 'report']).default('restore'),
  })
  .strict();

const modelSpec = z.union([
  z.string().min(1).max(200),
  z.object({ primary: z.string().min(1).max(200), fallbacks: z.array(z.string().min(1).max(200)).max(16).default([]) }).strict(),
]);
const agentSpec = z
  .object({
    kind: z.enum(['human', 'usecase']).default('usecase'),
    agentId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).optional(),
    displayName: shortText.optional(),
    owner: z.object({ id: z.string().min(1).max(256), email: z.string().max(256).optional(), displayName: shortText.optional() }).strict().optional(),
    purpose: shortText.optional(),
    model: modelSpec.optional(),
    skills: z.array(z.string().min(1).max(128)).max(256).optional(),
    tools: z
      .object({
        profile: z.enum(['minimal', 'coding', 'messaging', 'full']).optional(),
        allow: z.array(z.string().max(128)).max(256).optional(),
        deny: z.array(z.string().max(128)).max(256).optional(),
      })
      .strict()
      .optional(),
    sandbox: z
      .object({
        mode: z.enum(['off', 'non-main', 'all']).default('off'),
        scope: z.enum(['session', 'agent', 'shared']).optional(),
        workspaceAccess: z.enum(['none', 'ro', 'rw']).optional(),
      })
      .strict()
      .optional(),
    personality: z
      .object({ soul: longText.optional(), agents: longText.optional(), identity: longText.optional(), user: longText.optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'human' && !s.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'a human-coupled agent needs an owner identity' });
  });

const channelAccountSpec = z
  .object({
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    accountId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
    agent: dnsLabel,
    credentials: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/), secretRef).optional(),
    settings: z.record(z.string().max(64), z.unknown()).optional(),
  })
  .strict();

const bindingSpec = z
  .object({
    agent: dnsLabel,
    match: z
      .object({
        channel: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
        accountId: z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$/).optional(),
        peer: z.object({ kind: z.enum(['direct', 'group', 'channel']), id: z.string().min(1).max(256) }).strict().optional(),
        guildId: z.string().max(128).optional(),
        teamId: z.string().max(128).optional(),
      })
      .strict(),
  })
  .strict();

export const scopeKinds = ['org', 'group', 'gateway', 'agent'] as const;
export type ScopeKind = (typeof scopeKinds)[number];
const scopeRef = z
  .object({ kind: z.enum(scopeKinds), name: dnsLabel.optional() })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind !== 'org' && !s.name) ctx.addIssue({ code: 'custom', path: ['name'], message: `scope ${s.kind} needs a name` });
  });

const configTemplateSpec = z
  .object({
    scope: scopeRef,
    priority: z.number().int().min(-1000).max(1000).default(0),
    /** JSON5 text of the layer; `$include` paths resolve against `files`. */
    content: z.string().max(1024 * 1024),
    files: z.record(z.string().max(256), z.string().max(1024 * 1024)).optional(),
  })
  .strict();

const allowDeny = z
  .object({ allow: z.array(z.string().min(1).max(200)).max(1024).optional(), deny: z.array(z.string().min(1).max(200)).max(1024).optional() })
  .strict();
export const modelTiers = ['default', 'high-cost', 'high-trust'] as const;
export const riskTiers = ['low', 'medium', 'high'] as const;
const policySpec = z
  .object({
    scope: scopeRef,
    packs: z.array(dnsLabel).max(16).optional(),
    integrations: allowDeny.optional(),
    skills: allowDeny.optional(),
    skillSources: z.array(z.enum(['bundled', 'managed', 'workspace', 'shared'])).optional(),
    maxSkillRisk: z.enum(riskTiers).optional(),
    models: allowDeny.optional(),
    modelTiers: z.array(z.enum(modelTiers)).optional(),
    tools: allowDeny.optional(),
    plugins: allowDeny.optional(),
    exposure: z.object({ allowRemote: z.boolean().optional() }).strict().optional(),
    sharing: z.object({ allowSharedHumanGateways: z.boolean().optional() }).strict().optional(),
    /** Keys lower scopes may re-allow after this scope denied them: e.g. ["models", "skills"]. */
    delegate: z.array(z.enum(['integrations', 'skills', 'models', 'tools', 'plugins'])).optional(),
  })
  .strict();

export const catalogCategories = ['integration', 'skill', 'model', 'plugin', 'tool'] as const;
const catalogEntrySpec = z
  .object({
    category: z.enum(catalogCategories),
    id: z.string().min(1).max(200),
    displayName: shortText.optional(),
    status: z.enum(['core', 'plugin', 'custom', 'deprecated']).optional(),
    installMethod: z.string().max(200).optional(),
    source: z.enum(['bundled', 'managed', 'workspace', 'shared']).optional(),
    tier: z.string().max(32).optional(),
    risk: z.enum(riskTiers).optional(),
    owner: shortText.optional(),
    provenance: z.object({ source: shortText.optional(), version: z.string().max(64).optional() }).strict().optional(),
  })
  .strict();

export const secretProviders = ['local', 'env', 'file', 'exec', 'vault', 'keychain'] as const;
const secretSpec = z
  .object({
    provider: z.enum(secretProviders).default('local'),
    /**
     * env: the control plane's variable name; file: a path; exec: the id handed to the command;
     * vault: the KV v2 path below the mount; keychain: the service name; local: unused (value set
     * via API). `{gateway}` and `{agent}` are replaced by the consumer's names (per-gateway and
     * per-agent namespaces in external providers).
     */
    key: z.string().max(1024).optional(),
    /** exec / vault: which instance configured by the control-plane operator (default "default"). */
    source: dnsLabel.optional(),
    /** vault: the field of the KV entry (required when it holds several); keychain: the account. */
    field: z.string().min(1).max(256).optional(),
    /** vault: read this KV version instead of the latest. */
    version: z.number().int().positive().optional(),
    /** Scheduled rotation (local values): every N days (default: the org's, else 90); generate: Clawplane makes the new value. */
    rotation: z
      .object({ everyDays: z.number().int().min(1).max(3650).optional(), generate: z.boolean().default(false) })
      .strict()
      .optional(),
    description: shortText.optional(),
  })
  .strict();

const teamSpec = z
  .object({
    lead: dnsLabel,
    members: z.array(dnsLabel).max(256),
    delegation: z.enum(['lead-only', 'any-member']).default('lead-only'),
  })
  .strict();

export const rolloutStrategies = ['all', 'rolling', 'canary'] as const;
export const doctorSeverities = ['off', 'info', 'warning', 'error'] as const;
const rolloutSpec = z
  .object({
    /** Which gateways take part: a group, labels and/or names (all given must match). */
    selector: z.object({ group: dnsLabel.optional(), labels: z.record(labelKey, labelValue).optional(), names: z.array(dnsLabel).max(1000).optional() }).strict(),
    /** Explicit runtime version bump of the selected gateways (written to their spec). */
    runtimeVersion: version.optional(),
    strategy: z.preprocess((v) => (v === 'all-at-once' ? 'all' : v), z.enum(rolloutStrategies)).default('rolling'),
    /** rolling: gateways updated at once. */
    maxUnavailable: z.number().int().min(1).max(1000).default(1),
    /** canary: the first wave, a count or a percentage of the gateways (default 1 gateway). */
    canary: z.object({ count: z.number().int().min(1).max(1000).optional(), percent: z.number().int().min(1).max(100).optional() }).strict()
      .refine((c) => !(c.count !== undefined && c.percent !== undefined), 'give canary.count or canary.percent, not both').optional(),
    /** canary: size of the waves after the canary wave. */
    waveSize: z.number().int().min(1).max(1000).default(1),
    gates: z
      .object({
        /** Per gateway: ready on the new revision and all gates passed within this time. */
        timeoutSeconds: z.number().int().min(5).max(3600).default(180),
        /**
         * Restarts after the update that count as a crash loop. 2, not 1: a control plane killed
         * while it restarts a gateway makes its successor count one restart that is not a crash.
         */
        maxRestarts: z.number().int().min(1).max(20).default(2),
        /** Gateway health RPC (WebSocket). */
        health: z.boolean().default(true),
        /** channels.status: an enabled account with an error fails the gate. */
        channels: z.boolean().default(true),
        /** openclaw doctor findings at or above this severity fail the gate. */
        doctor: z.enum(doctorSeverities).default('error'),
        /** A live agent turn on every updated gateway, after the other gates (ADR 0015). */
        agentTurn: agentTurnGateSchema.optional(),
      })
      .strict()
      .default({ timeoutSeconds: 180, maxRestarts: 2, health: true, channels: true, doctor: 'error' }),
    /**
     * Runtime downgrades: put back the state saved before the earlier upgrade away from the target
     * version (its pre-upgrade backup), as OpenClaw refuses a state database a newer version migrated.
     */
    restoreBackup: z.boolean().default(false),
    /** After a failed gate: already-updated healthy gateways keep the change, or revert too. */
    onFailure: z.enum(['keep', 'revert']).default('revert'),
  })
  .strict();

export const roles = ['admin', 'operator', 'viewer', 'auditor'] as const;
export type Role = (typeof roles)[number];
const roleBindingSpec = z.object({ user: z.string().min(1).max(256), role: z.enum(roles) }).strict();

/** Every kind with its spec schema, the scope its metadata needs, and its API plural. */
export const kinds = {
  Organization: { spec: organizationSpec, parent: 'root', plural: 'organizations' },
  Group: { spec: groupSpec, parent: 'org', plural: 'groups' },
  Gateway: { spec: gatewaySpec, parent: 'org', plural: 'gateways' },
  Agent: { spec: agentSpec, parent: 'gateway', plural: 'agents' },
  ChannelAccount: { spec: channelAccountSpec, parent: 'gateway', plural: 'channelaccounts' },
  Binding: { spec: bindingSpec, parent: 'gateway', plural: 'bindings' },
  ConfigTemplate: { spec: configTemplateSpec, parent: 'org', plural: 'configtemplates' },
  Policy: { spec: policySpec, parent: 'org', plural: 'policies' },
  CatalogEntry: { spec: catalogEntrySpec, parent: 'org', plural: 'catalogentries' },
  Secret: { spec: secretSpec, parent: 'org', plural: 'secrets' },
  Team: { spec: teamSpec, parent: 'org', plural: 'teams' },
  Rollout: { spec: rolloutSpec, parent: 'org', plural: 'rollouts' },
  RoleBinding: { spec: roleBindingSpec, parent: 'org', plural: 'rolebindings' },
} as const;
export type Kind = keyof typeof kinds;
export const kindNames = Object.keys(kinds) as Kind[];
export type SpecOf<K extends Kind> = z.output<(typeof kinds)[K]['spec']>;

export function isKind(value: string): value is Kind {
  return Object.hasOwn(kinds, value);
}

/** Resolve `gateways`, `gateway`, `gw`, `Gateway` to a kind. */
export function kindFromName(name: string): Kind | undefined {
  const n = name.toLowerCase();
  const aliases: Record<string, Kind> = { gw: 'Gateway', org: 'Organization', orgs: 'Organization', ca: 'ChannelAccount', policy: 'Policy' };
  if (aliases[n]) return aliases[n];
  return kindNames.find((k) => k.toLowerCase() === n || kinds[k].plural === n || kinds[k].plural.replace(/ies$/, 'y') === n || kinds[k].plural.replace(/s$/, '') === n);
}

export interface Condition {
  type: 'Ready' | 'Progressing' | 'Degraded';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface Resource<K extends Kind = Kind> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: Metadata & { org: string; resourceVersion: number; generation: number; uid: string; createdAt: string; updatedAt: string };
  spec: SpecOf<K>;
  status?: Record<string, unknown>;
}

export type AnyResource = { [K in Kind]: Resource<K> }[Kind];

/** Unique key of a resource within the control plane. Names are unique per kind within an org. */
export function resourceKey(r: { kind: string; metadata: { org?: string; name: string } }): string {
  return `${r.metadata.org ?? ''}/${r.kind}/${r.metadata.name}`;
}

/** A resource as written by a user (fleet file or API body), before defaults and server fields. */
export const documentSchema = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.string(),
    metadata: metadataSchema,
    spec: z.unknown(),
  })
  .strict();
