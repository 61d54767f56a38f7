// Size-based rotation for gateway stdout/stderr logs.
// The gateway writes to an O_APPEND file descriptor it inherited at spawn, so the control plane
// can restart without breaking a pipe. Rotation is therefore "copy + truncate": the current file
// is copied to `<file>.1` (older ones shift to `.2` … `.<maxFiles>`) and truncated in place; the
// gateway's next append lands at the new end of file.
import { copyFile, rename, rm, stat, truncate } from 'node:fs/promises';

export interface LogRotationOptions {
  /** Rotate when the live file is at least this big. Default 10 MiB. */
  maxBytes: number;
  /** Number of rotated files kept (`.1` … `.N`). Default 3. */
  maxFiles: number;
}

export const DEFAULT_LOG_ROTATION: LogRotationOptions = { maxBytes: 10 * 1024 * 1024, maxFiles: 3 };

/** Pure: the renames needed to shift rotated files, oldest first (`.N-1`→`.N`, …, `.1`→`.2`). */
export function planRotationShifts(file: string, maxFiles: number): { from: string; to: string }[] {
  const shifts: { from: string; to: string }[] = [];
  for (let i = maxFiles - 1; i >= 1; i--) shifts.push({ from: `${file}.${i}`, to: `${file}.${i + 1}` });
  return shifts;
}

/** Rotate `file` if it reached `maxBytes`. Returns true when it rotated. */
export async function rotateLogIfNeeded(file: string, opts: LogRotationOptions = DEFAULT_LOG_ROTATION): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return false;
  }
  if (size < opts.maxBytes || opts.maxFiles < 1) return false;
  await rm(`${file}.${opts.maxFiles}`, { force: true });
  for (const { from, to } of planRotationShifts(file, opts.maxFiles)) {
    try {
      await rename(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  await copyFile(file, `${file}.1`);
  await truncate(file, 0);
  return true;
}
