// Wakes the page's islands (app/src/assets.rs, `IslandScripts`): after the
// page has loaded, when the browser is idle, fetches the app's module and
// wasm and hydrates each `<leptos-island>` in document order, as Leptos's
// own island script does, each in a task of its own. It starts after
// `load` so that the wasm is not fetched beside what the first paint needs
// (issue 13: on a phone the preloaded wasm held back the largest paint),
// and yields between islands so that no task blocks the page for long
// (Lighthouse's total blocking time on `/`: 121-132 ms in one task, 0-50
// ms with yields); every form works without it.
((js, wasm) => {
  // The `$$on_hydrate` callbacks of the `<leptos-children>` being walked:
  // an island inside another island's children first wakes that slot.
  const slots = [];
  let app;

  // Gives the browser the thread back (a task of its own for each island
  // and phase): a tap or a scroll waits one island, not all of them.
  const breathe = () => new Promise((done) => setTimeout(done, 0));

  // A lazy island's code comes in many wasm chunks, and the split loader
  // cargo-leptos generates starts all their fetches in one call: 37 for
  // the checkout, one task of 29 ms on the main thread as Lighthouse
  // traces it (docs/benchmarks.md). Handed to the browser a few per task,
  // the same fetches leave it free in between. Any other fetch (a server
  // function) goes out at once.
  const CHUNKS_PER_TASK = 4;
  const chunk = /\/(chunk|split)_[^/]*\.wasm$/;
  const fetchNow = window.fetch.bind(window);
  const queued = [];
  const sendSome = () => {
    for (const send of queued.splice(0, CHUNKS_PER_TASK)) send();
    if (queued.length) setTimeout(sendSome, 0);
  };
  window.fetch = (resource, options) => {
    const path =
      resource instanceof URL ? resource.pathname : typeof resource === 'string' ? resource : '';
    if (!chunk.test(path)) return fetchNow(resource, options);
    return new Promise((done, failed) => {
      if (queued.push(() => fetchNow(resource, options).then(done, failed)) === 1) {
        setTimeout(sendSome, 0);
      }
    });
  };

  async function wake(element, name) {
    const island = app[name];
    if (!island) {
      console.warn(`no island ${name} in ${js}`);
      return;
    }
    const slot = slots[slots.length - 1];
    if (slot) slot();
    await island(element);
    await breathe();
  }

  async function walk(element) {
    const tag = element.tagName;
    if (tag === 'LEPTOS-ISLAND') {
      await wake(element, element.dataset.component || null);
    } else if (tag === 'LEPTOS-CHILDREN') {
      slots.push(element.$$on_hydrate);
    }
    for (const child of element.children) await walk(child);
    if (tag === 'LEPTOS-CHILDREN') slots.pop();
  }

  async function start() {
    app = await import(js);
    await app.default({ module_or_path: wasm });
    await breathe();
    app.hydrate();
    await breathe();
    // Islands that arrive later (a lazy island's body) wake through this.
    window.__hydrateIsland = (element, name) => wake(element, name);
    await walk(document.body);
    // `ISLANDS_AWAKE` in app/src/lib.rs.
    dispatchEvent(new Event('winkel-islands-awake'));
  }

  // Idle, but not later than 2 s after `load`: a page that never idles
  // (a busy phone, an animation) must still come alive.
  const whenIdle = () =>
    'requestIdleCallback' in window
      ? requestIdleCallback(start, { timeout: 2000 })
      : setTimeout(start, 0);
  if (document.readyState === 'complete') whenIdle();
  else addEventListener('load', whenIdle, { once: true });
})
