// SHA-256 (from @noble/hashes) and the domain-separated "tagged hash" of spec §1.1:
// H_tag(parts…) = SHA-256(ASCII(tag) || 0x00 || parts…).

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { utf8, toHex } from './bytes.js';

export const sha256 = (bytes) => nobleSha256(bytes);
export const sha256Hex = (bytes) => toHex(nobleSha256(bytes));

/** A SHA-256 hasher with update()/digest()/clone(). */
export const sha256Create = () => nobleSha256.create();

/** A hasher already fed ``tag || 0x00`` (clone it per use). */
export function taggedPrefix(tag, ...parts) {
  const h = nobleSha256.create();
  h.update(utf8(tag));
  h.update(new Uint8Array([0]));
  for (const p of parts) h.update(p);
  return h;
}

export function taggedHash(tag, ...parts) {
  return taggedPrefix(tag, ...parts).digest();
}
