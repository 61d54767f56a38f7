import { describe, expect, it } from 'vitest';
import { cpuCores, memoryBytes, parseQuantity } from './quantity.ts';

describe('Kubernetes quantities', () => {
  it('reads CPU in cores from every decimal suffix metrics-server uses', () => {
    expect(cpuCores('250m')).toBe(0.25);
    expect(cpuCores('1')).toBe(1);
    expect(cpuCores('2.5')).toBe(2.5);
    expect(cpuCores('1500000n')).toBe(0.0015);
    expect(cpuCores('12u')).toBeCloseTo(0.000012, 12);
    expect(cpuCores('0')).toBe(0);
    expect(cpuCores('.5')).toBe(0.5);
  });

  it('reads memory in bytes from binary, decimal and exponent forms', () => {
    expect(memoryBytes('128Mi')).toBe(134_217_728);
    expect(memoryBytes('1Gi')).toBe(1_073_741_824);
    expect(memoryBytes('1000k')).toBe(1_000_000);
    expect(memoryBytes('123456')).toBe(123_456);
    expect(memoryBytes('44160Ki')).toBe(45_219_840);
    expect(memoryBytes('1.5Gi')).toBe(1_610_612_736);
    expect(memoryBytes('2M')).toBe(2_000_000);
    expect(memoryBytes('1e3')).toBe(1000);
    expect(memoryBytes('12E-1')).toBe(2); // 1.2 bytes, rounded up like Quantity.Value()
    expect(parseQuantity('-1k')).toBe(-1000);
  });

  it('refuses what is not a quantity', () => {
    for (const bad of ['', 'Mi', '1 Mi', '1mi', '1KiB', 'abc', '1.2.3', '--1', '1e', '0x10']) expect(parseQuantity(bad), bad).toBeUndefined();
  });
});
