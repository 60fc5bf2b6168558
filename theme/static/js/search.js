// Site search over the Pagefind index (the only script on the site besides the verifier).
// Results are built with DOM APIs only: titles and excerpts are copied as text, and the
// <mark> highlights Pagefind adds are recreated as elements, so no indexed text is ever
// interpreted as HTML.
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");

function safeExcerpt(html) {
  // DOMParser documents are inert (no scripts run, no images load); keep text and <mark> only.
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createDocumentFragment();
  const walk = (node, parent) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        parent.appendChild(document.createTextNode(child.textContent));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "MARK") {
          const m = document.createElement("mark");
          m.textContent = child.textContent;
          parent.appendChild(m);
        } else {
          walk(child, parent);
        }
      }
    }
  };
  walk(doc.body, out);
  return out;
}

function sameSite(url) {
  // Only follow result links that stay on this site (never javascript: or other origins).
  try {
    const u = new URL(url, document.baseURI);
    return u.origin === location.origin ? u.href : null;
  } catch (e) {
    return null;
  }
}

async function main() {
  if (!form) return;
  const root = new URL(form.dataset.root || "./", document.baseURI);
  const bundle = new URL(form.dataset.bundle || "pagefind/", document.baseURI);
  // The index loads in the background (a large site merges several shards); a query asked
  // before it is ready waits for it — the form is answered from the first keystroke, never
  // left to a submit that nothing handles yet.
  const loading = (async () => {
    const pagefind = await import(new URL("pagefind.js", bundle).href);
    await pagefind.options({ baseUrl: root.pathname });
    // a large site is indexed in shards; merge the other bundles into this one
    const manifest = await fetch(new URL("search-shards.json", root)).then((r) => (r.ok ? r.json() : { shards: [] }));
    for (const shard of manifest.shards || []) {
      await pagefind.mergeIndex(new URL(shard, root).href, { baseUrl: root.pathname });
    }
    await pagefind.init();
    return pagefind;
  })();
  let asked = 0;

  async function go(q) {
    const n = ++asked;
    let pagefind;
    try {
      pagefind = await loading;
    } catch (e) {
      status.textContent = form.dataset.unavailable || "Search index unavailable.";
      return;
    }
    if (n === asked) await run(pagefind, q); // only the latest query is shown
  }

  async function run(pagefind, q) {
    list.replaceChildren();
    if (!q.trim()) {
      status.textContent = "";
      return;
    }
    const search = await pagefind.search(q);
    const top = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
    status.textContent = top.length
      ? (form.dataset.count || "{n}").replace("{n}", String(search.results.length))
      : form.dataset.none || "";
    for (const d of top) {
      // a search document links to its place on a page (meta url, relative to the site root)
      const href = sameSite(d.meta && d.meta.url ? new URL(d.meta.url, root).href : d.url);
      if (!href) continue;
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = href;
      a.textContent = (d.meta && d.meta.title) || d.url;
      li.appendChild(a);
      if (d.meta && d.meta.type) {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = d.meta.type;
        li.append(" ", tag);
      }
      const p = document.createElement("p");
      p.className = "small";
      p.appendChild(safeExcerpt(d.excerpt || ""));
      li.appendChild(p);
      list.appendChild(li);
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = input.value;
    const url = new URL(location.href);
    url.searchParams.set("q", q);
    history.replaceState(null, "", url);
    go(q);
  });
  const initial = new URL(location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    go(initial);
  }
}

main();
