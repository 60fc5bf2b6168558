// theme/verifier/src/tlock.js under Node's test runner, on cases written by
// test_browser_tlock.py (env TLOCK_CASES = path of a JSON list): each case is a ciphertext, a
// beacon, a trust.json chain and the expected plaintext or error code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tlockDecrypt, lockedTo, TimelockError } from '../../theme/verifier/src/tlock.js';

const cases = JSON.parse(readFileSync(process.env.TLOCK_CASES, 'utf8'));
const input = (c) => (c.armored != null ? c.armored : new Uint8Array(Buffer.from(c.binary_b64, 'base64')));

for (const c of cases) {
  test(c.name, async () => {
    if (c.expect.plaintext_b64 != null) {
      const pt = await tlockDecrypt(input(c), c.beacon, c.chain);
      assert.equal(Buffer.from(pt).toString('base64'), c.expect.plaintext_b64);
      assert.deepEqual(lockedTo(input(c)), { round: c.lock.round, chainHash: c.lock.chain_hash });
    } else {
      await assert.rejects(tlockDecrypt(input(c), c.beacon, c.chain), (e) => {
        assert.ok(e instanceof TimelockError, `not a TimelockError: ${e}`);
        assert.equal(e.code, c.expect.code, e.message);
        if (c.expect.message) assert.match(e.message, new RegExp(c.expect.message));
        return true;
      });
    }
  });
}
