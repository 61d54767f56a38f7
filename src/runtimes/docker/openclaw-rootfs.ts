// The root filesystem of the local OpenClaw image, streamed as one tar: static busybox, the host's
// glibc libraries, the Node 24 binary and the pinned npm install of OpenClaw under /app. Imported
// with the Engine API (`POST /images/create?fromSrc=-`), so no registry and no BuildKit are needed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';

/** Bump when the layout below changes: images with another build hash are rebuilt. */
const LAYOUT_VERSION = 3;
const MTIME = new Date('2026-01-01T00:00:00Z');
export const IMAGE_STATE_DIR = '/home/node/.openclaw';
export const IMAGE_APP_DIR = '/app';
export const IMAGE_ENTRY = `${IMAGE_APP_DIR}/node_modules/openclaw/openclaw.mjs`;
export const IMAGE_UID = 1000;

export interface RootfsInputs {
  /** `<runtimesDir>/openclaw/<version>` holding node_modules/openclaw. */
  installDir: string;
  version: string;
  /** The Node binary copied to /usr/local/bin/node (Node 24, glibc build). */
  nodePath: string;
  busyboxPath?: string;
  arch?: string;
}

const LIBS = [
  'libc.so.6', 'libdl.so.2', 'libgcc_s.so.1', 'libm.so.6', 'libpthread.so.0', 'libstdc++.so.6', 'libutil.so.1',
  'librt.so.1', 'libresolv.so.2', 'libnss_dns.so.2', 'libnss_files.so.2',
];

function archLayout(arch: string): { triple: string; loader: string } {
  if (arch === 'x64') return { triple: 'x86_64-linux-gnu', loader: 'lib64/ld-linux-x86-64.so.2' };
  if (arch === 'arm64') return { triple: 'aarch64-linux-gnu', loader: 'lib/ld-linux-aarch64.so.1' };
  throw new Error(`building the OpenClaw image is not supported on ${arch}`);
}

function findLib(triple: string, name: string): string {
  for (const dir of [`/lib/${triple}`, `/usr/lib/${triple}`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`host library ${name} not found in /lib/${triple} or /usr/lib/${triple}`);
}

function busyboxApplets(busybox: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(busybox, ['--list'], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(new Error(`${busybox} --list failed: ${err.message} (install busybox-static)`));
      else resolve(stdout.split('\n').map((s) => s.trim()).filter((s) => /^[a-z0-9_.[-]+$/.test(s)));
    });
  });
}

/** Content hash of what goes into the image: same inputs → same hash → no rebuild. */
export async function rootfsBuildHash(inputs: RootfsInputs): Promise<string> {
  const h = createHash('sha256');
  h.update(`layout ${LAYOUT_VERSION}\0${inputs.version}\0${inputs.arch ?? process.arch}\0`);
  for (const f of [join(inputs.installDir, 'node_modules', '.package-lock.json'), join(inputs.installDir, 'package-lock.json'), join(inputs.installDir, 'node_modules', 'openclaw', 'package.json')]) {
    if (existsSync(f)) h.update(await readFile(f));
  }
  // The node binary by content identity, not by path (CLI and test workers reach it through different symlinks).
  const n = await stat(inputs.nodePath);
  h.update(`node\0${n.size}\0${Math.trunc(n.mtimeMs)}\0`);
  return h.digest('hex').slice(0, 32);
}

type Owner = { uid: number; gid: number };
const ROOT: Owner = { uid: 0, gid: 0 };
const NODE: Owner = { uid: IMAGE_UID, gid: IMAGE_UID };

function addEntry(p: Pack, header: Parameters<Pack['entry']>[0], body?: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    p.entry({ mtime: MTIME, ...header }, body ?? '', (err) => (err ? reject(err) : resolve()));
  });
}

async function addFile(p: Pack, name: string, src: string, mode: number, owner: Owner = ROOT): Promise<void> {
  const s = await stat(src); // follows symlinks (cp -L)
  const entry = p.entry({ name, size: s.size, mode, mtime: MTIME, ...owner });
  await pipeline(createReadStream(src), entry);
}

async function addTree(p: Pack, srcDir: string, destDir: string): Promise<number> {
  let count = 0;
  const names = (await readdir(srcDir)).sort();
  for (const n of names) {
    const src = join(srcDir, n);
    const dest = `${destDir}/${n}`;
    const s = await lstat(src);
    if (s.isSymbolicLink()) {
      await addEntry(p, { name: dest, type: 'symlink', linkname: await readlink(src), mode: 0o777, ...ROOT });
    } else if (s.isDirectory()) {
      await addEntry(p, { name: dest, type: 'directory', mode: 0o755, ...ROOT });
      count += await addTree(p, src, dest);
    } else if (s.isFile()) {
      // Read-only for everyone but root; keep the executable bit.
      await addFile(p, dest, src, s.mode & 0o111 ? 0o755 : 0o644);
      count += 1;
    }
  }
  return count;
}

/**
 * Streams the rootfs tar. The returned stream must be consumed; `done` settles when every entry
 * was written (or rejects with the first error, after destroying the stream).
 */
export function packOpenClawRootfs(inputs: RootfsInputs): { stream: Pack; done: Promise<{ files: number }> } {
  const p = tarPack();
  const { triple, loader } = archLayout(inputs.arch ?? process.arch);
  const busybox = inputs.busyboxPath ?? '/bin/busybox';
  const done = (async () => {
    const modules = join(inputs.installDir, 'node_modules');
    if (!existsSync(join(modules, 'openclaw', 'openclaw.mjs'))) {
      throw new Error(`openclaw@${inputs.version} is not installed in ${inputs.installDir} (run \`clawplane runtime install openclaw@${inputs.version}\`)`);
    }
    if (!existsSync(busybox)) throw new Error(`${busybox} not found (apt-get install busybox-static)`);
    const dir = (name: string, mode = 0o755, owner: Owner = ROOT) => addEntry(p, { name, type: 'directory', mode, ...owner });
    for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'root', 'home', 'usr', 'usr/local', 'usr/local/bin', 'lib', `lib/${triple}`, 'lib64', 'app', 'etc/openclaw', 'run']) {
      await dir(d, d === 'root' ? 0o700 : 0o755);
    }
    await dir('tmp', 0o1777);
    await dir('home/node', 0o755, NODE);
    // The state volume's mount point: a fresh named volume copies this owner and mode.
    await dir('home/node/.openclaw', 0o700, NODE);
    await addFile(p, 'bin/busybox', busybox, 0o755);
    for (const a of await busyboxApplets(busybox)) {
      if (a !== 'busybox') await addEntry(p, { name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777, ...ROOT });
    }
    for (const l of LIBS) await addFile(p, `lib/${triple}/${l}`, findLib(triple, l), 0o755);
    await addFile(p, loader, `/${loader}`, 0o755);
    await addFile(p, 'usr/local/bin/node', inputs.nodePath, 0o755);
    await addEntry(p, { name: 'usr/local/bin/openclaw', mode: 0o755, ...ROOT }, `#!/bin/sh\nexec /usr/local/bin/node ${IMAGE_ENTRY} "$@"\n`);
    await addEntry(p, { name: 'etc/passwd', mode: 0o644, ...ROOT }, `root:x:0:0:root:/root:/bin/sh\nnode:x:${IMAGE_UID}:${IMAGE_UID}:node:/home/node:/bin/sh\n`);
    await addEntry(p, { name: 'etc/group', mode: 0o644, ...ROOT }, `root:x:0:\nnode:x:${IMAGE_UID}:\n`);
    await addEntry(p, { name: 'etc/nsswitch.conf', mode: 0o644, ...ROOT }, 'hosts: files dns\n');
    await addEntry(p, { name: 'app/node_modules', type: 'directory', mode: 0o755, ...ROOT });
    const files = await addTree(p, modules, 'app/node_modules');
    p.finalize();
    return { files };
  })();
  done.catch((err: unknown) => p.destroy(err instanceof Error ? err : new Error(String(err))));
  return { stream: p, done };
}
