// Company lookup over the static name index in /lookup/ (see src/publisher/site/lookup.py).
// A query reads a handful of small JSON files: the count files of its grams,
// then the pages of the shortest posting list it needs for the page shown. Results are built
// with DOM APIs only (names are hostile text), links only to company/<id>/ for safe ids.
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;
const SHOWN = 20; // companies per result page

export function normalize(s) {
  return s.normalize("NFKC").replace(/\s+/gu, "").toUpperCase();
}

export function gramHash(gram, buckets) {
  let h = 0x811c9dc5;
  for (const ch of gram) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
  return h % buckets;
}

export class Lookup {
  constructor(base) {
    this.base = base; // URL of the lookup/ directory
    this.cache = new Map();
    this.bytes = 0;
  }

  json(path) {
    if (!this.cache.has(path)) {
      this.cache.set(path, fetch(new URL(path, this.base)).then(async (r) => {
        if (!r.ok) return null;
        const text = await r.text();
        this.bytes += text.length;
        return JSON.parse(text);
      }));
    }
    return this.cache.get(path);
  }

  // A query's result stream: exact id first, then names containing the query, shortest first.
  async open(q) {
    const meta = await this.json("meta.json");
    const B = meta.buckets, PAGE = meta.page;
    const nq = normalize(q);
    const chars = Array.from(nq);
    const res = { q: nq, rows: [], total: 0, exact: true, pagesRead: 0, pages: 0, list: null, short: chars.length < 2 };
    if (res.short) return res;
    const idFile = this.json(`id/${gramHash(nq, B)}.json`);
    let picks;
    if (chars.length === 2) {
      picks = [nq];
    } else {
      // every trigram's count file, in parallel: the rarest one's list is usually inlined or
      // one page, so a query costs one round trip after meta.json instead of up to ten
      // (measured over the browser test's 60 queries: p95 2 round trips instead of 6, bytes
      // +13 % at the median)
      const tri = [];
      for (let i = 0; i + 3 <= chars.length; i++) tri.push(chars.slice(i, i + 3).join(""));
      picks = [...new Set(tri)];
    }
    const entries = await Promise.all(picks.map(async (g) => {
      const c = await this.json(`c/${gramHash(g, B)}.json`);
      return c && Object.prototype.hasOwnProperty.call(c, g) ? [g, c[g]] : null;
    }));
    const id = await idFile;
    if (id && Object.prototype.hasOwnProperty.call(id, nq)) {
      res.rows.push([nq, id[nq][0], id[nq][1]]);
    }
    res.idHit = res.rows.length;
    if (entries.some((e) => e === null)) {
      res.total = res.rows.length;
      return res;
    }
    let best = entries[0];
    for (const e of entries) if (e[1][0] < best[1][0]) best = e;
    const [gram, [count, where]] = best;
    res.filter = chars.length > 2;
    if (Array.isArray(where)) {
      this.take(res, where);
      res.pages = 0;
    } else {
      res.list = `g/${gramHash(gram, B)}/${where}-`;
      res.pages = Math.ceil(count / PAGE);
    }
    res.count = count;
    // a 2-character query: every listed company matches, the count is exact
    res.total = res.filter ? res.rows.length : res.idHit + count;
    res.exact = !res.filter || res.pagesRead >= res.pages;
    return res;
  }

  take(res, rows) {
    const seen = new Set(res.rows.slice(0, res.idHit).map((r) => r[0]));
    for (const r of rows) {
      if (seen.has(r[0])) continue;
      if (!res.filter || normalize(r[1]).includes(res.q)) res.rows.push(r);
    }
  }

  // Make sure rows [0, n) are loaded (or the list is exhausted). A filtered query (3+ characters)
  // may have to read many pages of its shortest gram list to find a page of matches: after the
  // first page the reads go out in parallel batches of 2, 4, 8 … pages, so a long scan costs a
  // few round trips instead of one per page (the latency that dominated the slow queries).
  async ensure(res, n) {
    let batch = 1;
    while (res.list && res.pagesRead < res.pages && res.rows.length < n) {
      const k = res.filter ? Math.min(batch, res.pages - res.pagesRead) : 1;
      const pages = [];
      for (let i = 0; i < k; i++) pages.push(this.json(`${res.list}${res.pagesRead + i}.json`));
      for (const rows of await Promise.all(pages)) {
        res.pagesRead += 1;
        this.take(res, rows || []);
      }
      batch = Math.min(batch * 2, 16);
    }
    if (res.filter) {
      res.total = res.rows.length;
      res.exact = !res.list || res.pagesRead >= res.pages;
    }
  }
}

function fmt(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function main() {
  const form = document.getElementById("search-form");
  const box = document.getElementById("lookup");
  if (!form || !box) return;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("lookup-status");
  const list = document.getElementById("lookup-results");
  const pager = document.getElementById("lookup-pager");
  const lroot = new URL(box.dataset.lroot || "./", document.baseURI);
  const lookup = new Lookup(new URL(box.dataset.index || "lookup/", document.baseURI));
  lookup.json("meta.json"); // fetched while the user types: one round trip less per query
  const d = box.dataset;
  let current = null;
  let shown = 0;

  function button(label, page) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => show(current, page, true));
    return b;
  }

  async function show(res, page, focus) {
    const t0 = performance.now();
    await lookup.ensure(res, (page + 1) * SHOWN);
    if (res !== current) return;
    const rows = res.rows.slice(page * SHOWN, (page + 1) * SHOWN);
    const frag = document.createDocumentFragment();
    for (const [id, name, n] of rows) {
      if (!SAFE_ID.test(id)) continue;
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = new URL(`company/${id}/`, lroot).href;
      a.textContent = name;
      const code = document.createElement("span");
      code.className = "mono small";
      code.textContent = id;
      const tag = document.createElement("span");
      tag.className = n ? "tag" : "tag tag-muted";
      tag.textContent = n ? fmt(d.inspected, { n }) : d.notInspected;
      li.append(a, " ", code, " ", tag);
      frag.appendChild(li);
    }
    list.replaceChildren(frag);
    list.start = page * SHOWN + 1;
    if (res.short) status.textContent = d.short;
    else if (!res.total) status.textContent = fmt(d.none, { q: input.value.trim() });
    else status.textContent = fmt(res.exact ? d.found : d.more, { n: res.total }) + (res.total > SHOWN ? " · " + fmt(d.page, { p: page + 1 }) : "");
    pager.replaceChildren();
    const more = (page + 1) * SHOWN < res.rows.length || !res.exact;
    if (page > 0) pager.appendChild(button(d.prev, page - 1));
    if (more) pager.appendChild(button(d.next, page + 1));
    shown = page;
    box.dataset.ms = String(Math.round(performance.now() - (res.t0 ?? t0)));
    box.dataset.bytes = String(lookup.bytes);
    box.dataset.done = String((box.dataset.done | 0) + 1);
    if (focus) list.focus();
  }

  async function run(q) {
    const t0 = performance.now();
    const res = await lookup.open(q);
    res.t0 = t0;
    current = res;
    await show(res, 0, false);
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(input.value);
  });
  const initial = new URL(location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

main();
