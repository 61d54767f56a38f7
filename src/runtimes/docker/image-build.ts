// Builds the local OpenClaw image `localhost/openclaw:<version>` into one engine (Docker Engine or
// Podman's compatible API) by importing the rootfs tar from openclaw-rootfs.ts. Skips the build
// when the engine already holds an image with the same build hash label.
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import {
  IMAGE_ENTRY, IMAGE_STATE_DIR, IMAGE_UID, packOpenClawRootfs, rootfsBuildHash, type RootfsInputs,
} from './openclaw-rootfs.ts';

export const LOCAL_IMAGE_REPO = 'localhost/openclaw';
export const BUILD_HASH_LABEL = 'clawplane.dev/build-hash';

export interface ImageBuildResult {
  image: string;
  id: string;
  /** false when an image with the same build hash was already there. */
  built: boolean;
  seconds: number;
  files?: number;
}

/** The image config (Dockerfile instructions accepted by the import's `changes`). */
export function openClawImageChanges(version: string, buildHash: string): string[] {
  return [
    'ENV PATH=/usr/local/bin:/bin',
    'ENV HOME=/home/node',
    `ENV OPENCLAW_STATE_DIR=${IMAGE_STATE_DIR}`,
    'ENV OPENCLAW_NO_RESPAWN=1',
    'ENV OPENCLAW_DISABLE_BONJOUR=1',
    'ENV OPENCLAW_NO_AUTO_UPDATE=1',
    `USER ${IMAGE_UID}:${IMAGE_UID}`,
    'WORKDIR /home/node',
    `ENTRYPOINT ["/usr/local/bin/node", "${IMAGE_ENTRY}"]`,
    'CMD ["gateway", "run", "--bind", "loopback", "--port", "18789"]',
    // One label per instruction: Podman's import reads only the first pair of a LABEL line.
    `LABEL ${BUILD_HASH_LABEL}=${buildHash}`,
    'LABEL org.opencontainers.image.title=openclaw',
    `LABEL org.opencontainers.image.version=${version}`,
  ];
}

async function existingImage(docker: Docker, image: string): Promise<{ id: string; hash?: string } | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return { id: info.Id, hash: info.Config?.Labels?.[BUILD_HASH_LABEL] };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** Waits for the import to finish; returns the image id the engine reported, when it did. */
function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { status?: string; error?: string; errorDetail?: { message?: string } }[]) => {
      if (err) return reject(err);
      const failed = output.find((o) => o.error ?? o.errorDetail);
      if (failed) return reject(new Error(failed.error ?? failed.errorDetail?.message ?? 'image import failed'));
      const id = output.map((o) => /(?:sha256:)?([0-9a-f]{64})/.exec(o.status ?? '')?.[1]).find(Boolean);
      resolve(id);
    });
  });
}

export async function buildOpenClawImage(
  docker: Docker, inputs: RootfsInputs, opts: { force?: boolean; repo?: string; now?: () => number } = {},
): Promise<ImageBuildResult> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const repo = opts.repo ?? LOCAL_IMAGE_REPO;
  const image = `${repo}:${inputs.version}`;
  const hash = await rootfsBuildHash(inputs);
  const before = await existingImage(docker, image);
  if (before && before.hash === hash && !opts.force) {
    return { image, id: before.id, built: false, seconds: (now() - t0) / 1000 };
  }
  const { stream, done } = packOpenClawRootfs(inputs);
  // `repo` carries the tag: Podman's compat import ignores the separate `tag` parameter.
  const progress = await docker.importImage(Readable.from(stream), { repo: image, changes: openClawImageChanges(inputs.version, hash) } as object);
  const [packed, importedId] = await Promise.all([done, followProgress(docker, progress)]);
  let after = await existingImage(docker, image);
  if (after?.hash !== hash && importedId) {
    await docker.getImage(importedId).tag({ repo, tag: inputs.version });
    after = await existingImage(docker, image);
  }
  if (after?.hash !== hash) throw new Error(`import finished but ${image} does not carry build hash ${hash}`);
  return { image, id: after.id, built: true, seconds: (now() - t0) / 1000, files: packed.files };
}
