import { describe, expect, it } from 'vitest';
import { METRICS_API_MISSING, metricsUnavailableReason, podMetricsToStats } from './pod-metrics.ts';

const pod = (restartCount: number) => ({ status: { containerStatuses: [{ name: 'gateway', restartCount }] } });

describe('PodMetrics → GatewayStats', () => {
  it('takes CPU (percent of one core) and memory of the gateway container, restarts from the pod', () => {
    const metrics = { containers: [{ name: 'gateway', usage: { cpu: '250m', memory: '128Mi' } }, { name: 'sidecar', usage: { cpu: '1', memory: '1Gi' } }] };
    expect(podMetricsToStats(metrics, pod(2))).toEqual({ cpuPercent: 25, memoryBytes: 134_217_728, restarts: 2 });
  });

  it('sums every container when none is the gateway, and reads nano-cores', () => {
    const metrics = { containers: [{ name: 'a', usage: { cpu: '1500000n', memory: '1000k' } }, { name: 'b', usage: { cpu: '12u', memory: '123456' } }] };
    const s = podMetricsToStats(metrics, undefined);
    expect(s.cpuPercent).toBeCloseTo(0.1512, 6);
    expect(s.memoryBytes).toBe(1_123_456);
    expect(s.restarts).toBeUndefined();
  });

  it('skips unparsable figures instead of reporting NaN', () => {
    expect(podMetricsToStats({ containers: [{ name: 'gateway', usage: { cpu: 'lots', memory: '64Mi' } }] }, pod(0))).toEqual({ memoryBytes: 67_108_864, restarts: 0 });
  });

  it('says why there are no figures', () => {
    expect(podMetricsToStats(undefined, pod(1), METRICS_API_MISSING)).toEqual({ restarts: 1, unavailable: METRICS_API_MISSING });
    expect(podMetricsToStats({ containers: [] }, pod(0))).toEqual({ restarts: 0, unavailable: 'the metrics API has no figures for the gateway container yet' });
    expect(podMetricsToStats(undefined, undefined)).toEqual({});
  });
});

describe('metricsUnavailableReason', () => {
  it('tells a missing metrics API from a missing sample and from real errors', () => {
    // kube-apiserver without metrics-server: the group is not served
    expect(metricsUnavailableReason(404, { kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', details: {} })).toBe(METRICS_API_MISSING);
    expect(metricsUnavailableReason(404, undefined)).toMatch(/install metrics-server/);
    // metrics-server before its first scrape of a new pod
    expect(metricsUnavailableReason(404, { reason: 'NotFound', message: 'podmetrics.metrics.k8s.io "ns/gw-0" not found', details: { name: 'gw-0', group: 'metrics.k8s.io', kind: 'pods' } }))
      .toBe('metrics-server has no sample for pod gw-0 yet');
    expect(metricsUnavailableReason(503, { message: 'service unavailable' })).toMatch(/unavailable.*service unavailable/);
    expect(metricsUnavailableReason(403, { message: 'forbidden' })).toBeUndefined();
    expect(metricsUnavailableReason(500, {})).toBeUndefined();
  });
});
