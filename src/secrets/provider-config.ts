// The operator's secrets-provider configuration (CLAWPLANE_SECRETS_PROVIDERS = path of a JSON
// file): which exec commands and Vault instances this control plane may use. Orgs pick one by
// name in a Secret's spec.source; they can never define a command or an address themselves.
import { z } from 'zod';
import { SecretsError } from '../core/ports/secrets.ts';

const instanceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);

export const providerConfigSchema = z
  .object({
    exec: z
      .record(
        instanceName,
        z
          .object({
            command: z.string().min(1).max(1024).refine((c) => c.startsWith('/'), 'must be an absolute path'),
            args: z.array(z.string().max(1024)).max(64).default([]),
            timeoutMs: z.number().int().min(100).max(120_000).optional(),
            maxBytes: z.number().int().min(1).max(1024 * 1024).optional(),
            env: z.record(envName, z.string().max(4096)).optional(),
          })
          .strict(),
      )
      .optional(),
    vault: z
      .record(
        instanceName,
        z
          .object({
            address: z.url({ protocol: /^https?$/ }),
            mount: z.string().max(256).optional(),
            namespace: z.string().max(256).optional(),
            /** Name of a control-plane env variable holding the token, or an absolute file path (0600). */
            tokenEnv: envName.optional(),
            tokenFile: z.string().max(1024).refine((c) => c.startsWith('/'), 'must be an absolute path').optional(),
            timeoutMs: z.number().int().min(100).max(120_000).optional(),
          })
          .strict()
          .refine((v) => (v.tokenEnv ? 1 : 0) + (v.tokenFile ? 1 : 0) === 1, 'set exactly one of tokenEnv or tokenFile'),
      )
      .optional(),
    keychain: z.object({ enabled: z.boolean() }).strict().optional(),
  })
  .strict();
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/** Parse the JSON text of the provider config; errors name the field, never echo values. */
export function parseProviderConfig(text: string, where: string): ProviderConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SecretsError('invalid-input', `${where} is not valid JSON`);
  }
  const r = providerConfigSchema.safeParse(json);
  if (!r.success) {
    throw new SecretsError('invalid-input', `${where}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
