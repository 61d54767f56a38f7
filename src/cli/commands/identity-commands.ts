// user add | list | remove | passwd | role, and token create | list | revoke. Passwords are read
// from stdin only (never from the command line); tokens are printed once.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { age, formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) throw new Error('pipe the password on stdin, e.g. clawplane user add NAME --role viewer < password.txt');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
}

interface UserRow { name: string; role: string; password: boolean; sso: boolean; createdAt: string }
interface TokenRow { id: string; user: string; description: string; createdAt: string; expiresAt?: string; expired: boolean; scopes?: string[]; org?: string; agent?: string }

export function registerIdentityCommands(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('Local users and their role per organization');
  user
    .command('add <name>')
    .description('Add a user with a role in the organization; the password is read from stdin')
    .requiredOption('--role <role>', 'admin | operator | viewer | auditor')
    .option('--org <org>')
    .option('--no-password', 'no password: the user signs in with SSO only')
    .action(async (name: string, o: { role: string; org?: string; password: boolean }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, o.org);
      const password = o.password ? (await readStdinLines())[0] : undefined;
      if (o.password && !password) throw new Error('no password on stdin: clawplane user add NAME --role ROLE < password.txt (or --no-password for SSO users)');
      const res = await client.json<UserRow>('POST', `/v1/orgs/${encodeURIComponent(org)}/users`, { name, role: o.role, ...(password ? { password } : {}) });
      ctx.out(`user ${res.name} added to ${org} as ${res.role}${res.password ? '' : ' (no password: SSO only)'}`);
    });
  user
    .command('list')
    .description('Users of the organization')
    .option('--org <org>')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (o: { org?: string; output: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, o.org);
      const { items } = await client.json<{ items: UserRow[] }>('GET', `/v1/orgs/${encodeURIComponent(org)}/users`);
      if (o.output === 'json' || o.output === 'yaml') ctx.out(formatValue(items, o.output));
      else ctx.out(formatTable(['NAME', 'ROLE', 'PASSWORD', 'SSO', 'AGE'], items.map((u) => [u.name, u.role, u.password ? 'yes' : 'no', u.sso ? 'yes' : 'no', age(u.createdAt)])));
    });
  user
    .command('remove <name>')
    .description('Remove a user from the organization (deleted with tokens and sessions when in no other organization)')
    .option('--org <org>')
    .action(async (name: string, o: { org?: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, o.org);
      const res = await client.json<{ removed: string; deleted: boolean }>('DELETE', `/v1/orgs/${encodeURIComponent(org)}/users/${encodeURIComponent(name)}`);
      ctx.out(`user ${res.removed} removed from ${org}${res.deleted ? ' and deleted' : ''}`);
    });
  user
    .command('role <name>')
    .description('Bind a user to a role in the organization')
    .requiredOption('--role <role>', 'admin | operator | viewer | auditor')
    .option('--org <org>')
    .action(async (name: string, o: { role: string; org?: string }) => {
      const client = await ctx.client();
      const org = await resolveOrg(client, o.org);
      const res = await client.json<UserRow>('PUT', `/v1/orgs/${encodeURIComponent(org)}/users/${encodeURIComponent(name)}/role`, { role: o.role });
      ctx.out(`user ${res.name} is ${res.role} in ${org}`);
    });
  user
    .command('passwd [name]')
    .description('Set a password from stdin. Without NAME: your own (stdin: current password line, then the new one; just the new one when you have none). With NAME: an admin sets that user\'s password')
    .option('--org <org>')
    .action(async (name: string | undefined, o: { org?: string }) => {
      const client = await ctx.client();
      const lines = await readStdinLines();
      if (lines.length === 0 || !lines[lines.length - 1]) throw new Error('no password on stdin');
      if (name) {
        const org = await resolveOrg(client, o.org);
        const res = await client.json<{ user: string; sessionsEnded: number }>('PUT', `/v1/orgs/${encodeURIComponent(org)}/users/${encodeURIComponent(name)}/password`, { password: lines[0] });
        ctx.out(`password of ${res.user} set (${res.sessionsEnded} session(s) ended)`);
        return;
      }
      const body = lines.length >= 2 ? { current: lines[0], password: lines[1] } : { password: lines[0] };
      const res = await client.json<{ user: string; sessionsEnded: number }>('PUT', '/v1/auth/password', body);
      ctx.out(`password of ${res.user} changed (${res.sessionsEnded} session(s) ended)`);
    });

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('Create an API token (printed once)')
    .option('--scope <scopes>', 'comma-separated: read, write, admin, audit:read, secrets:write (default: everything your roles allow)')
    .option('--expires <duration>', 'e.g. 30d, 12h, 90m, 2w')
    .option('--org <org>', 'limit the token to one organization')
    .option('--agent <name>', 'bind the token to an Agent principal (needs --org; it can never change its own permissions)')
    .option('--user <name>', 'for another user (global admins)')
    .option('--description <text>')
    .option('--expires-in-days <n>', 'expiry in days (same as --expires Nd)', (v) => Number(v))
    .action(async (o: { scope?: string; expires?: string; org?: string; agent?: string; user?: string; description?: string; expiresInDays?: number }) => {
      const body = {
        ...(o.scope ? { scopes: o.scope } : {}), ...(o.expires ? { expiresIn: o.expires } : {}), ...(o.org ? { org: o.org } : {}), ...(o.agent ? { agent: o.agent } : {}),
        ...(o.user ? { user: o.user } : {}), ...(o.description ? { description: o.description } : {}), ...(o.expiresInDays !== undefined ? { expiresInDays: o.expiresInDays } : {}),
      };
      const res = await (await ctx.client()).json<{ token: string } & TokenRow>('POST', '/v1/tokens', body);
      ctx.err(`token ${res.id} for ${res.user}${res.scopes ? `, scopes ${res.scopes.join(',')}` : ''}${res.expiresAt ? `, expires ${res.expiresAt}` : ''}:`);
      ctx.out(res.token);
    });
  token
    .command('list')
    .description('Your API tokens (with --org: all tokens of the organization\'s members; org admins)')
    .option('--org <org>')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (o: { org?: string; output: string }) => {
      const client = await ctx.client();
      const { items } = await client.json<{ items: TokenRow[] }>('GET', o.org ? `/v1/orgs/${encodeURIComponent(o.org)}/tokens` : '/v1/tokens');
      if (o.output === 'json' || o.output === 'yaml') ctx.out(formatValue(items, o.output));
      else ctx.out(formatTable(['ID', 'USER', 'SCOPES', 'ORG', 'AGENT', 'EXPIRES', 'DESCRIPTION'], items.map((t) => [t.id, t.user, t.scopes?.join(',') ?? '(all)', t.org ?? '-', t.agent ?? '-', t.expired ? 'expired' : (t.expiresAt ?? 'never'), t.description || '-'])));
    });
  token
    .command('revoke <id>')
    .description('Revoke an API token by id')
    .action(async (id: string) => {
      const res = await (await ctx.client()).json<{ revoked: string }>('DELETE', `/v1/tokens/${encodeURIComponent(id)}`);
      ctx.out(`token ${res.revoked} revoked`);
    });
}
