// gateway.json: the driver's small, secret-free record of a gateway process.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';

export const GatewayRecordSchema = z.object({
  id: z.string(),
  pid: z.number().int().positive().optional(),
  pgid: z.number().int().positive().optional(),
  startedAt: z.string().optional(),
  specHash: z.string().optional(),
  port: z.number().int().optional(),
  version: z.string().optional(),
  restarts: z.number().int().nonnegative().default(0),
  /** Set when the driver stopped the gateway on purpose. */
  stoppedAt: z.string().optional(),
  /** Set when a driver instance saw the process exit. */
  exitedAt: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  exitSignal: z.string().nullable().optional(),
});
export type GatewayRecord = z.infer<typeof GatewayRecordSchema>;

export async function readGatewayRecord(file: string): Promise<GatewayRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = GatewayRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Atomic write: temp file in the same dir, chmod, then rename over the target. The result is
 * always a regular file (a symlink at `file` is replaced, never followed).
 */
export async function writeFileAtomic(file: string, content: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function writeGatewayRecord(file: string, record: GatewayRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(GatewayRecordSchema.parse(record), null, 2)}\n`, 0o600);
}
