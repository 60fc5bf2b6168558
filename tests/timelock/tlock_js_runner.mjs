// Runs drand's tlock-js (npm, pinned in theme/verifier/package-lock.json) offline for the
// interop tests: node tlock_js_runner.mjs < request.json > response.json
//
// stdin: a JSON list of requests; stdout: the list of responses, in order.
// request:  {"op": "encrypt"|"decrypt", "chain": {drand chain info JSON}, "round": n,
//            "beacon": {"round", "signature", "randomness"} | null, "now_ms": n | null,
//            "plaintext_b64": "...", "ciphertext": "..." (armored text or base64 of binary)}
// response: {"ok": true, "ciphertext": "...", "plaintext_b64": "..."} or {"ok": false, "error": "..."}
//
// The ChainClient is tlock-js's own interface (drand-client): chain().info(), get(round),
// latest(), options. Beacon verification stays ON, so tlock-js itself checks the BLS
// signature against the chain's public key — nothing is fetched from the network.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'theme', 'verifier', 'package.json'));
const { timelockEncrypt, timelockDecrypt, Buffer } = require('tlock-js');

function fixedClient(info, beacon) {
  const chain = { baseUrl: 'offline:', info: async () => info };
  return {
    options: { disableBeaconVerification: false, noCache: true },
    chain: () => chain,
    get: async (round) => {
      if (!beacon || beacon.round !== round) throw new Error(`no beacon for round ${round} (offline)`);
      return beacon;
    },
    latest: async () => { if (!beacon) throw new Error('no beacon (offline)'); return beacon; },
  };
}

async function run(req) {
  Date.now = req.now_ms != null ? () => req.now_ms : realNow; // "too early" is decided on this clock
  const client = fixedClient(req.chain, req.beacon);
  try {
    if (req.op === 'encrypt') {
      const ct = await timelockEncrypt(req.round, Buffer.from(req.plaintext_b64, 'base64'), client);
      return { ok: true, ciphertext: ct };
    }
    if (req.op === 'decrypt') {
      const text = req.ciphertext_binary_b64 != null
        ? Buffer.from(req.ciphertext_binary_b64, 'base64').toString('binary')
        : req.ciphertext;
      const pt = await timelockDecrypt(text, client);
      return { ok: true, plaintext_b64: Buffer.from(pt).toString('base64') };
    }
    return { ok: false, error: `unknown op ${req.op}` };
  } catch (e) {
    return { ok: false, error: String((e && e.message) || e) };
  }
}

const realNow = Date.now;
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const batch = JSON.parse(Buffer.concat(chunks).toString('utf8'));
console.log = () => {}; // tlock-js logs every beacon it receives; keep stdout for the answers
console.error = () => {}; // drand-client reports a failed verification here as well as by throwing
const answers = [];
for (const req of batch) answers.push(await run(req));
process.stdout.write(JSON.stringify(answers));
