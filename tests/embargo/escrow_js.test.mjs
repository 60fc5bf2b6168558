// theme/verifier/src/escrow.js on cases written by test_escrow_js.py (env ESCROW_CASES).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openEscrow, revealRound, EscrowError } from '../../theme/verifier/src/escrow.js';

const data = JSON.parse(readFileSync(process.env.ESCROW_CASES, 'utf8'));

test('reveal rounds agree with Python', () => {
  for (const r of data.rounds) assert.equal(revealRound(r.chain, r.embargo_until), r.round, JSON.stringify(r));
});

for (const c of data.cases) {
  test(c.name, async () => {
    const args = { ...c.args, escrow: c.args.escrow };
    if (c.expect.secret != null) {
      const s = await openEscrow(args);
      assert.equal(Buffer.from(s).toString('hex'), c.expect.secret);
    } else {
      await assert.rejects(openEscrow(args), (e) => {
        assert.ok(e instanceof EscrowError, String(e));
        assert.equal(e.code, c.expect.code, e.message);
        assert.equal(e.office, c.args.office);
        return true;
      });
    }
  });
}
