// Kubernetes resource quantities ("250m", "1.5", "1500000n", "128Mi", "1Gi", "1e3") as plain
// numbers in the base unit: cores for CPU, bytes for memory. Pure.
// Grammar (k8s.io/apimachinery resource.Quantity): <signedNumber><suffix>, suffix one of the binary
// SI suffixes (Ki Mi Gi Ti Pi Ei), the decimal SI suffixes (n u m "" k M G T P E) or a decimal
// exponent (e3, E-2).

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity in its base unit, or undefined when the text is not a Kubernetes quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY_RE.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const suffix = m[2] ?? '';
  const binary = BINARY[suffix];
  if (binary !== undefined) return value * binary;
  const exp = DECIMAL[suffix] ?? Number(suffix.slice(1));
  // Dividing by 10^k keeps "250m" at exactly 0.25 (multiplying by 0.001 would not always).
  return exp < 0 ? value / 10 ** -exp : value * 10 ** exp;
}

/** CPU quantity → cores ("250m" → 0.25, "1500000n" → 0.0015). */
export function cpuCores(text: string): number | undefined {
  return parseQuantity(text);
}

/** Memory quantity → whole bytes ("128Mi" → 134217728, "1000k" → 1000000), rounded up like Quantity.Value(). */
export function memoryBytes(text: string): number | undefined {
  const v = parseQuantity(text);
  return v === undefined ? undefined : Math.ceil(v);
}
