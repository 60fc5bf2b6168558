// Filter a year's results by office, result category and timeliness, from the static shards
// filter/results/<year>/<office>.json written by the build (one per office). Without
// JavaScript the paged static list stays as it is; with it the form appears and a filtered
// list replaces the static one. Ledger text is inserted with textContent only.
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;
const SHOWN = 50;

const form = document.getElementById("result-filter");
if (form) {
  const d = form.dataset;
  const onames = JSON.parse(d.onames || "{}");
  const cnames = JSON.parse(d.cnames || "{}");
  const lnames = JSON.parse(d.lnames || "{}");
  const base = new URL(d.base, document.baseURI);
  const lroot = new URL(d.lroot || "./", document.baseURI);
  const out = document.getElementById("filter-out");
  const tbody = document.getElementById("filter-rows");
  const status = document.getElementById("filter-status");
  const pager = document.getElementById("filter-pager");
  const staticList = document.getElementById("static-list");
  const cache = new Map();
  let rows = [];

  const shard = (office) => {
    if (!cache.has(office)) {
      cache.set(office, fetch(new URL(`${office}.json`, base)).then((r) => (r.ok ? r.json() : [])).then(
        (list) => list.map((x) => [office, ...x])));
    }
    return cache.get(office);
  };

  const cell = (label, ...nodes) => {
    const td = document.createElement("td");
    td.dataset.label = label;
    td.append(...nodes);
    return td;
  };
  const link = (href, text) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };
  const heads = [...document.querySelectorAll("#filter-out thead th")].map((th) => th.textContent);

  function show(page) {
    tbody.replaceChildren();
    for (const [office, target, name, task, completed, published, cats, late, struck] of rows.slice(page * SHOWN, (page + 1) * SHOWN)) {
      const tr = document.createElement("tr");
      if (struck) tr.className = "struck";
      const who = target && SAFE_ID.test(target) ? link(new URL(`company/${target}/`, lroot).href, name || target) : document.createTextNode(name || target || "");
      const what = task && SAFE_ID.test(task) ? link(new URL(`task/${task}/`, lroot).href, task) : document.createTextNode(task || "");
      const result = document.createTextNode(cats.map((c) => cnames[c] || c).join("；"));
      const resultCell = cell(heads[5], struck ? Object.assign(document.createElement("del"), { textContent: result.textContent }) : result);
      if (struck) resultCell.append(" ", Object.assign(document.createElement("span"), { className: "tag", textContent: d.corrected }));
      tr.append(cell(heads[0], who), cell(heads[1], what), cell(heads[2], onames[office] || office),
        cell(heads[3], completed || ""), cell(heads[4], published || ""), resultCell, cell(heads[6], lnames[late] || late));
      tbody.appendChild(tr);
    }
    status.textContent = rows.length ? d.found.replace("{n}", String(rows.length)) : d.none;
    pager.replaceChildren();
    const btn = (label, p) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", () => show(p));
      return b;
    };
    if (page > 0) pager.appendChild(btn(d.prev, page - 1));
    if ((page + 1) * SHOWN < rows.length) pager.appendChild(btn(d.next, page + 1));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const office = form.elements.office.value;
    const cat = form.elements.cat.value;
    const late = form.elements.late.value;
    const offices = office ? [office] : Object.keys(onames);
    const lists = await Promise.all(offices.map(shard));
    rows = lists.flat().filter((r) => (!cat || r[6].includes(cat)) && (!late || r[7] === late));
    out.hidden = false;
    staticList.hidden = true;
    show(0);
    out.dataset.done = String((out.dataset.done | 0) + 1);
  });
  form.hidden = false;
}
