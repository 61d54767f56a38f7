// Wires device pairing (app port GatewayDeviceOps) to the OpenClaw adapter: finds the gateway's
// endpoint in its status and its auth token through the desired-state loader, connects as the
// trusted local backend and maps gateway errors to AppErrors.
import { listDevices, runDeviceAction } from '../adapters/openclaw/devices.ts';
import type { AppDeps, GatewayDeviceOps } from '../app/app-deps.ts';
import { AppError } from '../app/app-error.ts';
import type { DesiredGateway } from '../reconciler/reconcile-gateway.ts';

function gatewayMessage(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { message?: unknown; details?: { code?: unknown } };
    const msg = typeof o.message === 'string' ? o.message : 'request failed';
    return typeof o.details?.code === 'string' ? `${msg} (${o.details.code})` : msg;
  }
  return String(e);
}

export function createDeviceOps(opts: { deps: AppDeps; loadDesired: (org: string, name: string) => Promise<DesiredGateway | undefined> }): GatewayDeviceOps {
  const target = async (org: string, gateway: string): Promise<{ endpoint: { host: string; port: number }; token: string }> => {
    const gw = await opts.deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', gateway));
    const st = (gw?.status ?? {}) as { health?: { live?: boolean }; endpoint?: { host: string; port: number } };
    if (!gw || !st.endpoint || !st.health?.live) throw new AppError('unavailable', `Gateway "${gateway}" is not running; start it first (clawplane start gateway/${gateway})`);
    const desired = await opts.loadDesired(org, gateway);
    const token = desired?.env.OPENCLAW_GATEWAY_TOKEN;
    if (!token) throw new AppError('unavailable', `Gateway "${gateway}" has no auth token Clawplane can use`);
    return { endpoint: st.endpoint, token };
  };
  const call = async <T>(org: string, gateway: string, fn: (t: { endpoint: { host: string; port: number }; token: string }) => Promise<T>): Promise<T> => {
    const t = await target(org, gateway);
    try {
      return await fn(t);
    } catch (e) {
      const msg = gatewayMessage(e);
      if (/connect|closed|ECONNREFUSED|timeout/i.test(msg) && !/unknown|not found/i.test(msg)) throw new AppError('unavailable', `Gateway "${gateway}" did not answer: ${msg}`);
      if (/unknown|not found|no pending|no such/i.test(msg)) throw new AppError('not_found', `Gateway "${gateway}": ${msg}`);
      throw new AppError('invalid', `Gateway "${gateway}" refused: ${msg}`);
    }
  };
  return {
    list: (org, gateway) => call(org, gateway, (t) => listDevices(t.endpoint, t.token)),
    act: (org, gateway, action) => call(org, gateway, (t) => runDeviceAction(t.endpoint, t.token, action)),
  };
}
