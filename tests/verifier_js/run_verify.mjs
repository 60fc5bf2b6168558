// node run_verify.mjs SITE_DIR TASK [--quick] [USCC...] -> JSON report on stdout (used by pytest and by hand)
import { verifyTask } from '../../theme/verifier/src/verify.js';
import { lookupCompany } from '../../theme/verifier/src/lookup.js';
import { fsIO } from './fsio.mjs';

const [site, task, ...rest] = process.argv.slice(2);
const mode = rest[0] === '--quick' ? 'quick' : 'full';
const args = rest.filter((a) => a !== '--quick');
// an argument '{...}' is an opening (sealed portals, spec §6S.4) for the USCC that follows it
const ids = args.filter((a) => !a.startsWith('{'));
const openings = new Map(args.filter((a) => a.startsWith('{')).map((a) => [JSON.parse(a).id, JSON.parse(a)]));
const io = fsIO(site);
const data = await io.json(`verify/data/${task}.json`);
const report = await verifyTask(io, data, { mode });
const lookups = {};
for (const id of ids) {
  try {
    const a = await lookupCompany(io, data, report.ctx, id, openings.get(id) || null);
    lookups[id] = { explanation: a.explanation, check: a.check, state: a.state };
  } catch (e) {
    lookups[id] = { error: e.en || e.message };
  }
}
const steps = report.steps.map((s) => ({ n: s.n, status: s.status, cause: s.cause, reason: s.reason, lines: s.lines }));
process.stdout.write(JSON.stringify({ overall: report.overall, mode: report.ctx.mode, ms: report.ms, steps, lookups }, null, 1));
