// Problems found by pure validation. Core never throws on bad input; it returns Issue[].
export type Severity = 'error' | 'warning' | 'info';

export interface Issue {
  /** Dotted field path, e.g. `spec.match.accountId`. */
  path: string;
  code: string;
  message: string;
  severity: Severity;
  /** Which document of a fleet file (0-based), when the issue comes from one. */
  document?: number;
  /** `Kind/name` of the resource concerned. */
  resource?: string;
  hint?: string;
}

export function issue(code: string, path: string, message: string, extra: Partial<Issue> = {}): Issue {
  return { code, path, message, severity: 'error', ...extra };
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function formatIssue(i: Issue): string {
  const where = [i.document !== undefined ? `document ${i.document}` : '', i.resource ?? '', i.path].filter(Boolean).join(' ');
  return `${i.severity}: ${where ? `${where}: ` : ''}${i.message} [${i.code}]${i.hint ? ` (hint: ${i.hint})` : ''}`;
}
