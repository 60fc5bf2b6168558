// The /verify/ page: picks the task from ?task=, runs verifyTask step by step, renders the
// report in the page's language (and a plain-text copy in both), and answers "was my
// company's draw fair?". All ledger text is inserted with textContent: it is hostile data.

import { verifyTask, browserIO } from './verify.js';
import { lookupCompany } from './lookup.js';
import { parseOpening } from './sealed.js';
import { trustPinFrom } from './trustpin.js';

const STATUS = {
  pass: { zh: '通过', en: 'passed', mark: '✓' },
  fail: { zh: '未通过', en: 'failed', mark: '✗' },
  skip: { zh: '跳过', en: 'skipped', mark: '–' },
  pending: { zh: '待定', en: 'pending', mark: '…' },
};
const LINE_MARK = { ok: '✓', bad: '✗', info: 'ℹ', warn: '⚠', pending: '…', skip: '–' };
const OVERALL = {
  pass: { zh: '全部核验通过：本次抽取可以按公开数据完整重现。', en: 'Every check passed: this draw can be fully reproduced from public data.' },
  fail: { zh: '核验未通过：见下面标为“未通过”的步骤。', en: 'Verification FAILED: see the steps marked "failed" below.' },
  quick: { zh: '快速核验通过：签名、信标、种子、每家的票号、各层抽中结果、名单的默克尔根、批次和检查组都已按公开数据重现。尚未核对：名单是否由目录快照按规则得出，以及任务页面印出的名单——请点「全部核验」。',
    en: 'Quick check passed: signatures, beacon, seed, every ticket, the selection of each stratum, the population\'s Merkle root, batches and teams were reproduced from public data. Not yet checked: that the population follows from the directory snapshot, and the list printed on the task page — use "check everything".' },
  partial: { zh: '已完成可核验的部分；其余步骤待定（例如保密期或信标轮次尚未到来）。', en: 'Everything checkable now passed; some steps are pending (e.g. embargo or beacon round not reached yet).' },
};

const DRAW_STATUS = {
  committed: { zh: '已承诺，等待随机信标', en: 'committed, waiting for the beacon' },
  locked: { zh: '已锁定', en: 'locked' },
  embargoed: { zh: '已锁定（名单保密中）', en: 'locked (list under embargo)' },
  revealed: { zh: '已锁定，名单已公开', en: 'locked, list revealed' },
  invalid: { zh: '无效', en: 'invalid' },
};
const SIMULATED_CAVEAT = {
  zh: '注意：本站使用模拟随机信标，不是真实的 drand 网络，抽取结果不具备真实的不可预测性，仅供演示。',
  en: 'Caveat: this site uses a SIMULATED beacon, not the real drand network; the draw is not truly unpredictable (demonstration only).',
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function stepLabel(lang, s) {
  return lang === 'zh' ? `第 ${s.n} 步：${s.title.zh}` : `Step ${s.n}: ${s.title.en}`;
}

function renderStep(lang, s) {
  const st = STATUS[s.status] || STATUS.pending;
  const li = el('li', { class: `step step-${s.status}`, id: `step-${s.n}`, 'data-step': String(s.n), 'data-status': s.status });
  const h = el('h3', {}, el('span', { class: 'mark', 'aria-hidden': 'true', text: st.mark }), el('span', { class: 'label', text: stepLabel(lang, s) }),
    el('span', { class: 'status', text: st[lang] }));
  li.append(h);
  if (s.reason && s.status !== 'pass') li.append(el('p', { class: 'reason', text: s.reason[lang] }));
  const ul = el('ul', { class: 'lines' });
  for (const line of s.lines) {
    if (s.status !== 'pass' && s.reason && line[lang] === s.reason[lang]) continue; // shown as the reason
    ul.append(el('li', { class: `line line-${line.status}` }, el('span', { class: 'mark', 'aria-hidden': 'true', text: LINE_MARK[line.status] || '' }), el('span', { text: line[lang] })));
  }
  if (ul.childElementCount) li.append(ul);
  return li;
}

function textReport(task, report) {
  const out = [];
  for (const lang of ['zh', 'en']) {
    out.push(lang === 'zh' ? `任务 ${task} 抽取核验报告` : `Verification report for task ${task}`);
    out.push(OVERALL[report.overall][lang]);
    for (const s of report.steps) {
      out.push(`${STATUS[s.status].mark} ${stepLabel(lang, s)} — ${STATUS[s.status][lang]}`);
      for (const line of s.lines) out.push(`    ${LINE_MARK[line.status] || ''} ${line[lang]}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The explicit "check everything" link, with what it downloads. */
function fullLink(lang, task, data) {
  const snap = data.snapshots && data.snapshots.targets ? data.snapshots.targets.bytes : null;
  const size = snap ? (snap >= 1e6 ? `${(snap / 1e6).toFixed(1)} MB` : `${Math.ceil(snap / 1e3)} KB`) : '';
  const q = new URLSearchParams({ task, full: '1' });
  const a = el('a', { id: 'verify-full', href: `?${q}`, text: lang === 'zh' ? '全部核验' : 'Check everything' });
  return el('p', { class: 'full-check' }, a, el('span', { text: lang === 'zh'
    ? `：下载目录快照${size ? `（${size}）` : ''}，从中重新得出名单，并与任务页面印出的名单逐条对照。`
    : `: downloads the directory snapshot${size ? ` (${size})` : ''}, re-derives the population from it and compares the list printed on the task page row by row.` }));
}

async function main() {
  const box = document.getElementById('verifier');
  if (!box) return;
  const lang = box.dataset.lang === 'en' ? 'en' : 'zh';
  const root = new URL(box.dataset.root || './', location.href).href;
  const io = browserIO(root);
  const report = document.getElementById('verify-report');
  const params = new URLSearchParams(location.search);
  const task = params.get('task');
  if (!task) {
    report.hidden = true;
    const picker = document.getElementById('task-picker');
    picker.hidden = false;
    const list = document.getElementById('task-list');
    try {
      const idx = await io.json('verify/data/index.json');
      for (const t of idx.tasks) {
        const a = el('a', { href: `?task=${encodeURIComponent(t.task)}`, text: t.task });
        const st = DRAW_STATUS[t.status];
        list.append(el('li', {}, a, el('span', { text: t.name ? ` ${t.name}` : '' }),
          el('span', { class: 'muted', text: ` — ${st ? st[lang] : (t.status || '')}` })));
      }
      if (!idx.tasks.length) list.append(el('li', { text: lang === 'zh' ? '账本中还没有抽取。' : 'The ledger has no draws yet.' }));
    } catch (e) {
      list.append(el('li', { text: String(e.message) }));
    }
    return;
  }
  document.getElementById('report-task').textContent = task;
  const summary = document.getElementById('report-summary');
  const steps = document.getElementById('steps');
  const progress = document.getElementById('report-progress');
  report.dataset.state = 'running';
  summary.textContent = lang === 'zh' ? '正在核验……' : 'Verifying…';
  let data;
  try {
    if (!/^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/.test(task) || task.includes('..')) throw new Error('bad task id');
    data = await io.json(`verify/data/${task}.json`);
  } catch (e) {
    report.dataset.state = 'error';
    summary.textContent = lang === 'zh' ? `找不到任务 ${task} 的核验数据。` : `No verification data for task ${task}.`;
    return;
  }
  const shown = new Map();
  const show = (s) => {
    if (s.status === 'na') return;
    const li = renderStep(lang, s);
    if (shown.has(s.n)) shown.get(s.n).replaceWith(li);
    else {
      // keep numeric order whatever the finishing order
      const after = [...shown.keys()].filter((k) => k > s.n).sort((a, b) => a - b)[0];
      if (after !== undefined) steps.insertBefore(li, shown.get(after));
      else steps.append(li);
    }
    shown.set(s.n, li);
  };
  // the common path reads the committed list (a few hundred KB); ?full=1 re-derives it from
  // the directory snapshot and compares the printed task pages (spec §9.9)
  const mode = params.get('full') === '1' || !(data.population && data.population.list) ? 'full' : 'quick';
  report.dataset.mode = mode;
  const t0 = performance.now();
  let result;
  try {
    result = await verifyTask(io, data, {
      mode,
      onStep: show,
      trustPin: trustPinFrom(box, params), // spec §3.11
      onProgress: (kind, bytes, total) => {
        if (total) {
          progress.hidden = false;
          progress.max = total;
          progress.value = bytes;
        }
      },
    });
  } catch (e) {
    report.dataset.state = 'error';
    summary.textContent = (lang === 'zh' ? '核验程序出错：' : 'The verifier stopped with an error: ') + e.message;
    console.error(e);
    return;
  }
  progress.hidden = true;
  for (const s of result.steps) show(s);
  const ms = Math.round(performance.now() - t0);
  summary.textContent = OVERALL[result.overall][lang] + (box.dataset.simulated === '1' ? ` ${SIMULATED_CAVEAT[lang]}` : '');
  summary.className = `summary summary-${result.overall}`;
  document.getElementById('report-time').textContent = lang === 'zh' ? `用时 ${(ms / 1000).toFixed(2)} 秒，全部在本浏览器中计算。` : `Took ${(ms / 1000).toFixed(2)} s, all computed in this browser.`;
  document.getElementById('text-report-body').textContent = textReport(task, result);
  document.getElementById('text-report').hidden = false;
  if (mode === 'quick') summary.after(fullLink(lang, task, data));
  report.dataset.state = 'done';
  report.dataset.overall = result.overall;
  report.dataset.ms = String(ms);

  // ---- "was my company's draw fair?"
  const lookup = document.getElementById('lookup');
  lookup.hidden = false;
  const form = document.getElementById('lookup-form');
  const out = document.getElementById('lookup-result');
  const openingBox = document.getElementById('opening-box');
  const openingText = document.getElementById('opening');
  if (openingBox && result.ctx.sealed) { // spec §6S.4: a company checks its own "why (not) me" with its opening
    openingBox.hidden = false;
    document.getElementById('opening-file').addEventListener('change', async (e) => {
      const f = e.target.files && e.target.files[0];
      if (f) openingText.value = (await f.text()).split('\n').find((l) => l.trim()) || '';
    });
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let id = document.getElementById('uscc').value.trim();
    let opening = null;
    if (result.ctx.sealed && openingText && openingText.value.trim()) {
      try {
        opening = parseOpening(openingText.value);
      } catch (e) {
        out.replaceChildren(el('p', { class: 'verdict verdict-bad', id: 'lookup-verdict', text: lang === 'zh' ? `开启数据格式有误：${e.message}` : `the opening is malformed: ${e.message}` }));
        out.dataset.state = 'error';
        return;
      }
      if (!id) id = opening.id;
    }
    if (/^[0-9a-z]{18}$/i.test(id)) id = id.toUpperCase(); // a USCC typed in lower case
    out.replaceChildren();
    out.dataset.state = 'running';
    if (!id) return;
    try {
      const ans = await lookupCompany(io, data, result.ctx, id, opening);
      const ex = ans.explanation;
      const dl = el('dl', { class: 'facts' });
      const row = (k, v, cls) => dl.append(el('dt', { text: k }), el('dd', { class: cls || '', text: v }));
      row(lang === 'zh' ? '统一社会信用代码' : 'USCC', id, 'mono');
      if (ex.ticket || ans.ticket) row(lang === 'zh' ? '票号 SHA-256(ssgk/ticket/v1, 种子, 代码)' : 'Ticket SHA-256(ssgk/ticket/v1, seed, code)', ex.ticket || ans.ticket, 'mono');
      if (ex.leaf && ex.leaf.commitment) { // sealed: the leaf is a hiding commitment
        row(lang === 'zh' ? '所在层' : 'Stratum', opening && ans.check.ok ? opening.stratum : (lang === 'zh' ? '封存' : 'sealed'));
        row(lang === 'zh' ? '封存叶子（隐藏承诺）' : 'Sealed leaf (hiding commitment)', ex.leaf.commitment, 'mono');
        row(lang === 'zh' ? '包含证明' : 'Inclusion proof', lang === 'zh'
          ? `名单第 ${ex.leaf.index + 1} 条（共 ${ex.size} 条），${ex.leaf.proof.length} 个哈希，验证到承诺的根 ${ex.root.slice(0, 16)}…`
          : `leaf ${ex.leaf.index + 1} of ${ex.size}, ${ex.leaf.proof.length} hashes, checked against the committed root ${ex.root.slice(0, 16)}…`);
      } else if (ex.leaf) {
        row(lang === 'zh' ? '所在层' : 'Stratum', ex.leaf.stratum);
        const st = ans.state ? null : (result.ctx.resultBody.strata || []).find((s) => s.name === ex.leaf.stratum);
        if (st) row(lang === 'zh' ? '该层门槛（抽中者中最大的票号）' : 'Stratum threshold (the largest selected ticket)', st.threshold === null ? '—' : st.threshold, 'mono');
        row(lang === 'zh' ? '包含证明' : 'Inclusion proof', lang === 'zh'
          ? `名单第 ${ex.leaf.index + 1} 条（共 ${ex.size} 条），${ex.leaf.proof.length} 个哈希，验证到承诺的根 ${ex.root.slice(0, 16)}…`
          : `leaf ${ex.leaf.index + 1} of ${ex.size}, ${ex.leaf.proof.length} hashes, checked against the committed root ${ex.root.slice(0, 16)}…`);
      } else {
        const nb = ex.neighbours || {};
        const desc = (l) => (l ? `${l.id}（#${l.index + 1}）` : '—');
        row(lang === 'zh' ? '不在名单中的证明' : 'Non-inclusion proof', lang === 'zh'
          ? `相邻的两条记录 ${desc(nb.left)} 与 ${desc(nb.right)} 在名单中紧挨着，中间没有这个代码`
          : `the adjacent leaves ${desc(nb.left)} and ${desc(nb.right)} are next to each other in the sorted list, with nothing between them`);
      }
      out.append(dl);
      out.append(el('p', { class: `verdict ${ans.check.ok ? (ans.check.selected ? 'verdict-selected' : 'verdict-not') : 'verdict-bad'}`, id: 'lookup-verdict', text: ans.check[lang] }));
      if (ans.state) out.append(el('p', { class: 'muted', text: ans.state[lang] }));
      for (const n of ans.notes) out.append(el('p', { class: 'warn', text: n[lang] }));
      out.dataset.state = ans.check.ok ? 'ok' : 'bad';
    } catch (e) {
      out.append(el('p', { class: 'verdict verdict-bad', id: 'lookup-verdict', text: e[lang] || e.message }));
      out.dataset.state = 'error';
    }
  });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
}
