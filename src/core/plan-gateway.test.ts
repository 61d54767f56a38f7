import { describe, expect, it } from 'vitest';
import { type PlanAction, type PlanDesired, type PlanObserved, type PlanOptions, pathsNeedingReloadKind, planGateway } from './plan-gateway.ts';

const CONFIG = JSON.stringify({ gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'info' } });
const CONFIG_LOG_DEBUG = JSON.stringify({ gateway: { mode: 'local', port: 20000, bind: 'loopback' }, logging: { level: 'debug' } });
const CONFIG_BIND_LAN = JSON.stringify({ gateway: { mode: 'local', port: 20000, bind: 'lan' }, logging: { level: 'info' } });

const desired = (over: Partial<PlanDesired> = {}): PlanDesired => ({
  desiredState: 'running', drift: 'restore', specHash: 'S2', startHash: 'T1', port: 20000, config: CONFIG_LOG_DEBUG, ...over,
});
const running = (over: Partial<PlanObserved> = {}): PlanObserved => ({
  phase: 'running', specHash: 'S1', port: 20000, deployedConfig: CONFIG, lastApplied: { specHash: 'S1', startHash: 'T1' }, ...over,
});
const converged = (over: Partial<PlanObserved> = {}): PlanObserved =>
  running({ specHash: 'S2', deployedConfig: CONFIG_LOG_DEBUG, lastApplied: { specHash: 'S2', startHash: 'T1' }, ...over });

describe('planGateway', () => {
  it.each<[string, PlanDesired, PlanObserved, PlanOptions, PlanAction]>([
    ['missing → start created', desired(), { phase: 'missing' }, {}, { type: 'start', reason: 'created' }],
    ['stopped → start', desired(), { phase: 'stopped' }, {}, { type: 'start', reason: 'not-running' }],
    ['exited → start crashed', desired(), { phase: 'exited', exitCode: 1 } as PlanObserved, {}, { type: 'start', reason: 'crashed' }],
    ['desired stopped, running → stop', desired({ desiredState: 'stopped' }), converged(), {}, { type: 'stop' }],
    ['desired stopped, starting → stop', desired({ desiredState: 'stopped' }), converged({ phase: 'starting' }), {}, { type: 'stop' }],
    ['desired stopped, exited → none', desired({ desiredState: 'stopped' }), { phase: 'exited' }, {}, { type: 'none', reason: 'stopped' }],
    ['desired stopped, missing → none', desired({ desiredState: 'stopped' }), { phase: 'missing' }, {}, { type: 'none', reason: 'stopped' }],
    ['converged → none', desired(), converged(), {}, { type: 'none', reason: 'converged' }],
    ['converged while starting → none', desired(), converged({ phase: 'starting' }), {}, { type: 'none', reason: 'converged' }],
    ['converged, JSON5 formatting differs → none', desired({ config: '{gateway: {mode: "local", port: 20000, bind: "loopback"}, logging: {level: "debug"},}' }), converged(), {}, { type: 'none', reason: 'converged' }],
    ['no record but driver has the spec → none', desired(), converged({ lastApplied: undefined }), {}, { type: 'none', reason: 'converged' }],
    ['port moved → restart', desired({ port: 20200 }), converged(), {}, { type: 'restart', reason: 'port-changed', paths: [] }],
    ['start-only change (env/runtime) → restart', desired({ startHash: 'T2' }), running(), {}, { type: 'restart', reason: 'spec-changed', paths: [] }],
    ['no record and driver hash differs → restart', desired(), running({ lastApplied: undefined }), {}, { type: 'restart', reason: 'unknown-applied-state', paths: [] }],
    ['hot path → hot-apply', desired(), running(), { reloadKinds: { 'logging.level': 'hot' } }, { type: 'hot-apply', paths: ['logging.level'] }],
    ["'none' path → hot-apply", desired(), running(), { reloadKinds: { 'logging.level': 'none' } }, { type: 'hot-apply', paths: ['logging.level'] }],
    ['unknown reload kind → restart', desired(), running(), {}, { type: 'restart', reason: 'config-requires-restart', paths: ['logging.level'] }],
    ['restart path → restart', desired({ config: CONFIG_BIND_LAN }), running(), { reloadKinds: { 'gateway.bind': 'restart' } }, { type: 'restart', reason: 'config-requires-restart', paths: ['gateway.bind'] }],
    ['only non-config files changed → hot-apply no paths', desired({ config: CONFIG }), running(), {}, { type: 'hot-apply', paths: [] }],
    ['drift, restore', desired(), converged({ deployedConfig: CONFIG }), {}, { type: 'restore-drift', paths: ['logging.level'] }],
    ['drift, report', desired({ drift: 'report' }), converged({ deployedConfig: CONFIG }), {}, { type: 'report-drift', paths: ['logging.level'] }],
    ['config file deleted → drift', desired(), converged({ deployedConfig: undefined }), {}, { type: 'restore-drift', paths: ['gateway.bind', 'gateway.mode', 'gateway.port', 'logging.level'] }],
    ['config file garbage → drift', desired(), converged({ deployedConfig: '{oops' }), {}, { type: 'restore-drift', paths: ['gateway.bind', 'gateway.mode', 'gateway.port', 'logging.level'] }],
  ])('%s', (_name, d, o, opts, expected) => {
    expect(planGateway(d, o, opts)).toEqual([expected]);
  });
});

describe('pathsNeedingReloadKind', () => {
  it.each<[string, PlanDesired, PlanObserved, string[]]>([
    ['config change while running', desired(), running(), ['logging.level']],
    ['converged', desired(), converged(), []],
    ['down', desired(), { phase: 'exited' }, []],
    ['start-only change', desired({ startHash: 'T9' }), running(), []],
    ['port moved', desired({ port: 1 }), running(), []],
    ['no applied record', desired(), running({ lastApplied: undefined }), []],
    ['desired stopped', desired({ desiredState: 'stopped' }), running(), []],
  ])('%s', (_name, d, o, expected) => {
    expect(pathsNeedingReloadKind(d, o)).toEqual(expected);
  });
});
