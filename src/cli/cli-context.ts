import type { Client } from './client.ts';

export interface CliContext {
  out(line: string): void;
  err(line: string): void;
  client(): Promise<Client>;
  org(): string | undefined;
  single?: boolean;
}
