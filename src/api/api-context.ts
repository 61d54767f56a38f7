// What every route handler gets: the app's dependencies and helpers to read the request.
import type { Context } from 'hono';
import type { Actor } from '../app/actor.ts';
import type { AppDeps } from '../app/app-deps.ts';
import { AppError } from '../app/app-error.ts';
import type { Issue } from '../core/issues.ts';
import type { TokenScope } from '../core/scopes.ts';
import { authenticateRequest } from './request-auth.ts';
import type { ApiMetrics } from './metrics.ts';
import type { AgentPolicyExplainer, GatewayExplainer, OrgPlanner } from '../app/plan-commands.ts';

export interface ApiServices {
  deps: AppDeps;
  /** Offline-capable planning of an org's documents (render + policy + preflight), wired in main.ts. */
  planOrg?: OrgPlanner;
  explain?: GatewayExplainer;
  explainPolicy?: AgentPolicyExplainer;
  version: string;
  /** The externally visible base URL (CLAWPLANE_PUBLIC_URL): https here turns on Secure cookies and HSTS. */
  publicUrl?: string;
  /** Prometheus registry and HTTP middleware (created by createApi when absent). */
  metrics?: ApiMetrics;
}

/** admin = global admin (org "*"); org-admin = admin of the organization in the path; audit = viewer+ or auditor. */
export type Permission = 'public' | 'authenticated' | 'audit' | 'read' | 'write' | 'org-admin' | 'admin';

export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Hono path, e.g. /v1/orgs/:org/:plural/:name */
  path: string;
  summary: string;
  tag: string;
  permission: Permission;
  body?: 'document' | 'fleet' | 'json';
  query?: string[];
  /** Token scope the route needs; by default derived from permission, method and tag (see route-scope.ts). */
  scope?: TokenScope | 'none';
  handler: (c: Context, s: ApiServices) => Promise<Response>;
}

export async function actorOf(c: Context, s: ApiServices): Promise<Actor> {
  const cached = c.get('actor') as Actor | undefined;
  if (cached) return cached;
  const actor = await authenticateRequest(c, s.deps);
  c.set('actor', actor);
  return actor;
}

export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new AppError('invalid', 'request body is empty; expected JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('invalid', `malformed JSON body: ${(e as Error).message}`);
  }
}

export function param(c: Context, name: string): string {
  const v = c.req.param(name);
  if (v === undefined) throw new AppError('invalid', `missing path parameter ${name}`);
  return v;
}

export function parseLabelSelector(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const m = /^\s*([A-Za-z0-9][-A-Za-z0-9_./]*)\s*==?\s*([-A-Za-z0-9_.]*)\s*$/.exec(part);
    if (!m) throw new AppError('invalid', `label selector "${raw}": "${part}" is not key=value`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function invalid(message: string, issues: Issue[]): AppError {
  return new AppError('invalid', message, issues);
}

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
    log: import('pino').Logger;
    actor: Actor;
  }
}
