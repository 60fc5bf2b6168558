// Ed25519 verification: the browser's own WebCrypto first, the bundled @noble/curves
// implementation where the browser lacks Ed25519 (older Safari/Firefox/Chromium).
// noble runs with zip215 = false: strict RFC 8032 / FIPS 186-5 rules, as OpenSSL (the Python
// reference, via `cryptography`) and BoringSSL apply them.

import { ed25519 } from '@noble/curves/ed25519.js';

// A valid public key (RFC 8032 §7.1 test 1) to find out once whether WebCrypto has Ed25519.
const PROBE_KEY = new Uint8Array([
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
  0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
]);

let backend = null; // 'webcrypto' | 'noble'
let forced = null;

/** Tests force one backend ('webcrypto' | 'noble' | null for automatic). */
export function forceBackend(name) {
  forced = name;
  backend = null;
}

async function detect() {
  if (forced) return forced;
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return 'noble';
  try {
    await subtle.importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify']);
    return 'webcrypto';
  } catch {
    return 'noble';
  }
}

export async function ed25519Backend() {
  if (backend === null) backend = await detect();
  return backend;
}

/** True iff ``signature`` (64 bytes) is a valid Ed25519 signature of ``message`` by ``publicKey`` (32 bytes). */
export async function ed25519Verify(publicKey, message, signature) {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if ((await ed25519Backend()) === 'webcrypto') {
    try {
      const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    } catch {
      return false; // a public key that is not a curve point
    }
  }
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
