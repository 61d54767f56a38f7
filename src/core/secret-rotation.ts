// Scheduled secret rotation, pure: which values are due, given when they were last written and the
// interval (per Secret, else the org's default, else 90 days).

export const DEFAULT_ROTATION_DAYS = 90;
const DAY_MS = 86_400_000;

export function rotationDueAt(updatedAt: string, everyDays: number): string {
  return new Date(Date.parse(updatedAt) + everyDays * DAY_MS).toISOString();
}

export interface RotationInput {
  org: string;
  /** Organization spec.defaults.secretRotationDays. */
  orgDays?: number;
  secrets: { name: string; provider: string; rotation?: { everyDays?: number; generate?: boolean } }[];
  /** Local values in every namespace. */
  values: { name: string; scope: string; updatedAt: string }[];
  /** Gateways that use Clawplane's own token, with when it was last written. */
  gateways: { name: string; tokenUpdatedAt?: string; running: boolean }[];
}

export interface RotationPlan {
  /** Generated values to renew now. */
  renew: { org: string; name: string; scope: string }[];
  /** Values provided by people that are due: reported (audited), not changed. */
  due: { org: string; name: string; scope: string; dueAt: string }[];
  /** Gateways whose token is due, to roll one at a time. */
  roll: { org: string; gateway: string }[];
}

export function planRotations(inputs: readonly RotationInput[], nowMs: number): RotationPlan {
  const plan: RotationPlan = { renew: [], due: [], roll: [] };
  for (const o of inputs) {
    const orgDays = o.orgDays ?? DEFAULT_ROTATION_DAYS;
    for (const s of o.secrets) {
      if (s.provider !== 'local') continue;
      const days = s.rotation?.everyDays ?? orgDays;
      for (const v of o.values.filter((x) => x.name === s.name)) {
        const dueAt = rotationDueAt(v.updatedAt, days);
        if (Date.parse(dueAt) > nowMs) continue;
        if (s.rotation?.generate) plan.renew.push({ org: o.org, name: s.name, scope: v.scope });
        else plan.due.push({ org: o.org, name: s.name, scope: v.scope, dueAt });
      }
    }
    for (const g of o.gateways) {
      if (g.tokenUpdatedAt && Date.parse(rotationDueAt(g.tokenUpdatedAt, orgDays)) <= nowMs) plan.roll.push({ org: o.org, gateway: g.name });
    }
  }
  return plan;
}
