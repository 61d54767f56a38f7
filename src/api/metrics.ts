// Prometheus metrics (prom-client): HTTP request counters and latencies and the control plane's
// process figures (control-plane wide: global readers only), plus fleet series built per scrape
// from what the caller may read (an org-scoped token sees only its organizations). ADR 0016.
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FleetMetrics } from '../app/metrics-commands.ts';

export interface ApiMetrics {
  middleware: MiddlewareHandler;
  /** Text exposition format for this caller. */
  render(fleet: FleetMetrics): Promise<string>;
  contentType: string;
}

const GATEWAY_PHASES = ['running', 'starting', 'stopped', 'exited', 'missing', 'unknown'] as const;
const ROLLOUT_PHASES = ['Pending', 'AwaitingApproval', 'Progressing', 'Paused', 'RollingBack', 'Succeeded', 'Failed', 'Aborted'] as const;

function routeLabel(c: Context): string {
  try {
    const p = routePath(c, -1);
    return p === '' || p === '*' || p === '/*' ? 'unmatched' : p;
  } catch {
    return 'unmatched';
  }
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clawplane_' });
  const requests = new Counter({ name: 'clawplane_http_requests_total', help: 'HTTP requests by method, route pattern and status code', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const duration = new Histogram({
    name: 'clawplane_http_request_duration_seconds', help: 'HTTP request latency by method and route pattern (streams: until the headers)',
    labelNames: ['method', 'route'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });

  return {
    contentType: registry.contentType,
    middleware: async (c, next) => {
      const started = performance.now();
      await next();
      const route = routeLabel(c);
      requests.inc({ method: c.req.method, route, status: String(c.res.status) });
      duration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
    },
    async render(fleet) {
      const r = new Registry();
      const gateways = new Gauge({ name: 'clawplane_gateways', help: 'Gateways by organization and observed phase', labelNames: ['org', 'phase'] as const, registers: [r] });
      const ready = new Gauge({ name: 'clawplane_gateway_ready', help: '1 when the gateway answers /readyz ready', labelNames: ['org', 'gateway', 'target'] as const, registers: [r] });
      const restarts = new Gauge({ name: 'clawplane_gateway_restarts', help: 'Restarts done by the reconciler after crashes (lifetime)', labelNames: ['org', 'gateway'] as const, registers: [r] });
      const cpu = new Gauge({ name: 'clawplane_gateway_cpu_percent', help: 'CPU use of the gateway (100 = one core), last background sample', labelNames: ['org', 'gateway', 'target'] as const, registers: [r] });
      const mem = new Gauge({ name: 'clawplane_gateway_memory_bytes', help: 'Memory of the gateway (process group RSS or container usage), last background sample', labelNames: ['org', 'gateway', 'target'] as const, registers: [r] });
      const pids = new Gauge({ name: 'clawplane_gateway_pids', help: 'Processes of the gateway, last background sample', labelNames: ['org', 'gateway', 'target'] as const, registers: [r] });
      const rollouts = new Gauge({ name: 'clawplane_rollouts', help: 'Rollouts by organization and phase', labelNames: ['org', 'phase'] as const, registers: [r] });
      const agents = new Gauge({ name: 'clawplane_agents', help: 'Agents by organization', labelNames: ['org'] as const, registers: [r] });

      const orgs = new Set([...fleet.agents.map((a) => a.org)]);
      for (const org of orgs) {
        for (const phase of GATEWAY_PHASES) gateways.set({ org, phase }, 0);
        for (const phase of ROLLOUT_PHASES) rollouts.set({ org, phase }, 0);
      }
      for (const g of fleet.gateways) {
        gateways.inc({ org: g.org, phase: g.phase });
        ready.set({ org: g.org, gateway: g.name, target: g.target }, g.ready ? 1 : 0);
        restarts.set({ org: g.org, gateway: g.name }, g.restarts);
        const labels = { org: g.org, gateway: g.name, target: g.target };
        if (g.stats?.cpuPercent !== undefined) cpu.set(labels, Math.round(g.stats.cpuPercent * 100) / 100);
        if (g.stats?.memoryBytes !== undefined) mem.set(labels, g.stats.memoryBytes);
        if (g.stats?.pids !== undefined) pids.set(labels, g.stats.pids);
      }
      for (const ro of fleet.rollouts) rollouts.inc({ org: ro.org, phase: ro.phase });
      for (const a of fleet.agents) agents.set({ org: a.org }, a.count);
      const fleetText = await r.metrics();
      return fleet.global ? `${await registry.metrics()}\n${fleetText}` : fleetText;
    },
  };
}
