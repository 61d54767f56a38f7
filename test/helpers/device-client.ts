// A simulated device for end-to-end tests: a real OpenClaw gateway client with its own Ed25519
// device identity (deviceId = sha256 of the raw public key), connecting like a remote device does.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { GatewayClient } from '@openclaw/gateway-client';

export interface SimDevice {
  deviceId: string;
  /** Connect once; resolves with the auth method and device token of hello-ok, or rejects with the gateway's error. */
  connect(auth: { token?: string; deviceToken?: string }): Promise<{ method?: string; deviceToken?: string }>;
}

function rawPublicKey(publicKeyPem: string): Buffer {
  const der = Buffer.from(publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return der.subarray(der.length - 32);
}

export function createSimDevice(port: number, displayName: string): SimDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const deviceId = createHash('sha256').update(rawPublicKey(publicKeyPem)).digest('hex');
  const identity = { deviceId, publicKeyPem, privateKeyPem };
  return {
    deviceId,
    connect: async (auth) => {
      const done = Promise.withResolvers<{ method?: string; deviceToken?: string }>();
      const timer = setTimeout(() => done.reject(new Error('device connect timeout')), 10_000);
      const client = new GatewayClient({
        url: `ws://127.0.0.1:${port}`, ...(auth.token ? { token: auth.token } : {}), ...(auth.deviceToken ? { deviceToken: auth.deviceToken } : {}),
        env: {}, minProtocol: 4, maxProtocol: 4, clientName: 'cli', mode: 'cli', clientDisplayName: displayName, platform: 'linux',
        role: 'operator', scopes: ['operator.read'], deviceIdentity: identity,
        hostDeps: {
          signDevicePayload: (pem, payload) => sign(null, Buffer.from(payload, 'utf8'), pem).toString('base64url'),
          publicKeyRawBase64UrlFromPem: (pem) => rawPublicKey(pem).toString('base64url'),
          loadDeviceAuthToken: () => null, storeDeviceAuthToken: () => undefined, clearDeviceAuthToken: () => undefined,
          logDebug: () => undefined, logError: () => undefined,
        },
        onHelloOk: (hello) => {
          const a = (hello as { auth?: { method?: string; deviceToken?: string } }).auth ?? {};
          done.resolve({ ...(a.method ? { method: a.method } : {}), ...(a.deviceToken ? { deviceToken: a.deviceToken } : {}) });
        },
        onConnectError: (e) => done.reject(e),
        onClose: (code, reason) => done.reject(new Error(`closed ${code} ${reason}`)),
      });
      client.start();
      try {
        return await done.promise;
      } finally {
        clearTimeout(timer);
        try {
          await client.stopAndWait({ timeoutMs: 1000 });
        } catch {
          client.stop();
        }
      }
    },
  };
}
