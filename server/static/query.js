// The query page's behaviour: YASGUI on this server's /sparql, the project's prefixes, the examples.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("query-config").textContent);
  const examples = new Map(config.examples.map((example) => [example.name, example]));
  // Absolute, though the server sends it relative: YASQE builds a URL object from it for GET.
  const endpoint = new URL(config.endpoint, document.baseURI).href;
  const prefixLines = Object.entries(config.prefixes)
    .map(([prefix, namespace]) => `PREFIX ${prefix}: <${namespace}>`);
  const newTabQuery = `${prefixLines.join("\n")}\n\nSELECT ?class (COUNT(?thing) AS ?things)\n` +
    "WHERE { ?thing a ?class }\nGROUP BY ?class\nORDER BY DESC(?things)\n";

  // Typing a prefixed name whose prefix is undeclared adds its PREFIX line: ours come first,
  // then YASQE's bundled list (prefix.cc's, shipped in the package, so nothing is fetched).
  const bundledPrefixes = Yasgui.Yasqe.Autocompleters.prefixes.get;
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "prefixes",
    persistenceId: null,
    get: (yasqe, token) => Promise.resolve(bundledPrefixes(yasqe, token)).then((bundled) => [
      ...prefixLines.map((line) => line.slice("PREFIX ".length)),
      ...bundled.filter((line) => !(line.split(":")[0] in config.prefixes)),
    ]),
  });

  // Classes and properties complete from this graph (its ontology and the terms its data uses),
  // asked once per editor, instead of the stock completers' service on the internet (LOV).
  function completeTermsFrom(name, sparql) {
    Yasgui.Yasqe.forkAutocompleter(name, {
      name: name,
      bulk: true,
      persistenceId: null,
      get: () => fetch(endpoint, {
        method: "POST",
        headers: { Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: sparql }),
      }).then((response) => response.json())
        .then((results) => results.results.bindings.map((row) => row.term.value)),
    });
  }
  const owl = "http://www.w3.org/2002/07/owl#";
  completeTermsFrom("class", `SELECT DISTINCT ?term WHERE {
    { ?term a <${owl}Class> } UNION { [] a ?term } FILTER isIRI(?term) }`);
  completeTermsFrom("property", `SELECT DISTINCT ?term WHERE {
    { ?term a ?kind VALUES ?kind { <${owl}ObjectProperty> <${owl}DatatypeProperty>
      <${owl}AnnotationProperty> } } UNION { [] ?term [] } }`);

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    // Nothing kept in the browser's storage: every visit starts from the examples.
    persistenceId: null,
    populateFromUrl: true, // a shared link (#query=...) opens and runs its query
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    yasqe: {
      value: newTabQuery,
      editorHeight: "22rem",
    },
    yasr: { prefixes: config.prefixes },
  });

  // A ckr: IRI in the results opens this server's page of the resource: its own address is
  // under w3id.org, which needs the internet to redirect. The link keeps the IRI, for copying.
  const resources = config.prefixes.ckr;
  function openResourcePage(event) {
    const link = event.target.closest("a.iri");
    if (!link || !link.href.startsWith(resources) || event.button > 1) return;
    event.preventDefault();
    const page = new URL(`resource/${link.href.slice(resources.length)}`, document.baseURI);
    window.open(page.href, event.button === 1 ? "_blank" : link.target || "_self");
  }
  const results = document.getElementById("yasgui");
  results.addEventListener("click", openResourcePage);
  results.addEventListener("auxclick", openResourcePage); // the middle button: a new tab

  const list = document.getElementById("examples");
  const buttons = [...list.querySelectorAll("button[data-example]")];

  function highlightExample(name) {
    for (const button of buttons) {
      button.toggleAttribute("aria-current", button.dataset.example === name);
    }
  }

  function loadExample(name) {
    yasgui.getTab().setQuery(examples.get(name).sparql);
    highlightExample(name);
  }

  // The highlighted example is the one in the tab on show; another tab may hold anything.
  yasgui.on("tabSelect", () => highlightExample(null));
  yasgui.on("tabAdd", () => highlightExample(null));

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-example]");
    if (button) loadExample(button.dataset.example);
  });

  document.getElementById("example-filter").addEventListener("input", (event) => {
    const words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const button of buttons) {
      const text = button.textContent.toLowerCase();
      button.parentElement.hidden = !words.every((word) => text.includes(word));
    }
  });

  document.getElementById("endpoint-url").textContent = endpoint;
  // A shared link put its own query in the tab; otherwise the first question is there to run.
  if (yasgui.getTab().getQuery() === newTabQuery && buttons.length) {
    loadExample(buttons[0].dataset.example);
  }
})();
