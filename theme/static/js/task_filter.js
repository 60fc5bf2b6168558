// Filter a year's tasks by office (lead or partner), draw state and late results, from the
// static file filter/tasks/<year>.json. Without JavaScript the paged static list stays.
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;
const SHOWN = 50;

const form = document.getElementById("task-filter");
if (form) {
  const d = form.dataset;
  const onames = JSON.parse(d.onames || "{}");
  const snames = JSON.parse(d.snames || "{}");
  const lroot = new URL(d.lroot || "./", document.baseURI);
  const out = document.getElementById("filter-out");
  const tbody = document.getElementById("filter-rows");
  const status = document.getElementById("filter-status");
  const pager = document.getElementById("filter-pager");
  const heads = [...out.querySelectorAll("thead th")].map((th) => th.textContent);
  let all = null;
  let rows = [];

  const td = (i, ...nodes) => {
    const c = document.createElement("td");
    c.dataset.label = heads[i];
    c.append(...nodes);
    return c;
  };

  function show(page) {
    tbody.replaceChildren();
    for (const [task, name, lead, partners, from, to, state, selected, results] of rows.slice(page * SHOWN, (page + 1) * SHOWN)) {
      const tr = document.createElement("tr");
      let title = document.createTextNode(name || task || "");
      if (task && SAFE_ID.test(task)) {
        title = document.createElement("a");
        title.href = new URL(`task/${task}/`, lroot).href;
        title.textContent = name || task;
      }
      tr.append(td(0, title), td(1, onames[lead] || lead), td(2, (partners || []).map((p) => onames[p] || p).join("、")),
        td(3, `${from || ""} – ${to || ""}`), td(4, snames[state] || state), td(5, selected == null ? "—" : String(selected)),
        td(6, String(results)));
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
    if (!all) all = await fetch(new URL(d.src, document.baseURI)).then((r) => (r.ok ? r.json() : []));
    const office = form.elements.office.value;
    const state = form.elements.state.value;
    const late = form.elements.late.checked;
    rows = all.filter((r) => (!office || r[2] === office || (r[3] || []).includes(office))
      && (!state || r[6] === state) && (!late || r[9] > 0));
    out.hidden = false;
    document.getElementById("static-list").hidden = true;
    show(0);
    out.dataset.done = String((out.dataset.done | 0) + 1);
  });
  form.hidden = false;
}
