// Windfall's own behaviour, kept out of the HTML so the Content Security Policy can
// forbid inline scripts and handlers.
(() => {
  // Buttons marked data-print open the print dialog.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // A printout shows every section: collapsed <details> open for print (the print
  // dialog fires beforeprint; print emulation only changes the media query) and close
  // again afterwards. print.css does the same where the browser styles ::details-content.
  const openedForPrint = new Set();
  const openForPrint = () => {
    for (const details of document.querySelectorAll("details:not([open])")) {
      details.open = true;
      openedForPrint.add(details);
    }
  };
  const closeAfterPrint = () => {
    for (const details of openedForPrint) details.open = false;
    openedForPrint.clear();
  };
  window.addEventListener("beforeprint", openForPrint);
  window.addEventListener("afterprint", closeAfterPrint);
  window
    .matchMedia("print")
    .addEventListener("change", (event) => (event.matches ? openForPrint() : closeAfterPrint()));

  // --- Unsaved input ---------------------------------------------------------------
  // A field is unsaved when it differs from what the page was served with; a form the
  // server sent back refused (data-unsaved) holds unsaved input too.
  const IGNORED = new Set(["hidden", "submit", "button", "search", "reset"]);

  const fieldsOf = (form) =>
    [...form.elements].filter((el) => el.name && !IGNORED.has(el.type) && !el.disabled);

  const changed = (el) => {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      // A single select with no option marked selected starts on its first option.
      const defaults = [...el.options].map((o) => o.defaultSelected);
      if (!el.multiple && !defaults.some(Boolean) && defaults.length) defaults[0] = true;
      return [...el.options].some((o, i) => o.selected !== defaults[i]);
    }
    return el.value !== el.defaultValue;
  };

  const submitting = new WeakSet();
  // GET forms (filters, picking drafts to compare) hold no edits.
  const isUnsaved = (form) =>
    form.method.toLowerCase() === "post" &&
    !submitting.has(form) &&
    !form.closest("[data-autosave-ignore]") &&
    (form.dataset.unsaved === "true" || fieldsOf(form).some(changed));

  window.addEventListener("beforeunload", (event) => {
    if ([...document.forms].some(isUnsaved)) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to show the prompt
    }
  });
  document.addEventListener("submit", (event) => submitting.add(event.target), true);

  // When htmx replaces the whole builder (an edit elsewhere on the page), put back what
  // was typed, and not yet saved, in the other forms, and keep them open.
  const formKey = (form, index) => `${form.getAttribute("action") || ""}#${index}`;
  const keyed = (root) => {
    const counts = new Map();
    return [...root.querySelectorAll("form")].map((form) => {
      const action = form.getAttribute("action") || "";
      const index = counts.get(action) || 0;
      counts.set(action, index + 1);
      return [formKey(form, index), form];
    });
  };
  let kept = null;
  let anchor = null;

  // The first element with an id that is in view: after the swap it goes back to the same
  // height on screen, so text added above (a message) does not push the page down.
  const anchorIn = (root) => {
    for (const el of root.querySelectorAll("[id]")) {
      const box = el.getBoundingClientRect();
      if (box.height > 0 && box.top >= 0 && box.top < window.innerHeight) {
        return { id: el.id, top: box.top };
      }
    }
    return null;
  };

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "builder") return;
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const sent = source && (source.closest("form") || source.form);
    kept = [];
    anchor = anchorIn(target);
    for (const [key, form] of keyed(target)) {
      if (form === sent) continue;
      const fields = fieldsOf(form)
        .filter(changed)
        .map((el) => ({
          name: el.name,
          id: el.id,
          value: el.value,
          checked: el.checked,
          selected: el.tagName === "SELECT" ? [...el.selectedOptions].map((o) => o.value) : null,
        }));
      // A form that loaded when its <details> opened comes back as a placeholder (a
      // .form-slot): keep a copy, which holds what was typed, to put in its place.
      if (fields.length) kept.push({ key, fields, action: form.getAttribute("action"), copy: form.cloneNode(true) });
    }
  });

  // Put a kept form where its placeholder is in the new builder (before version updates).
  const restoreLoaded = (builder) => {
    for (const { action, copy } of kept) {
      const slot = builder.querySelector(`.form-slot[data-form-for="${CSS.escape(action)}"]`);
      if (!slot) continue;
      slot.replaceWith(copy);
      htmx.process(copy);
    }
  };

  document.addEventListener("htmx:afterSettle", () => {
    const builder = document.getElementById("builder");
    if (kept && builder) restoreLoaded(builder);
    if (builder) {
      // Forms the swap left alone still name the version they were served with: they
      // now edit the version on screen (the swapped part came with it).
      const version = document.getElementById("current-revision");
      if (version) {
        builder.dataset.version = version.textContent.trim();
        builder.querySelectorAll('input[name="version"]').forEach((input) => {
          input.value = builder.dataset.version;
        });
      }
    }
    // Focus the confirmation of what was saved, where it is: never scroll to it.
    const here = document.querySelector("[data-focus-here]");
    if (here) {
      here.removeAttribute("data-focus-here");
      here.focus({ preventScroll: true });
    }
    if (!kept || !builder) return;
    if (anchor && !builder.querySelector("[autofocus]")) {
      const el = document.getElementById(anchor.id);
      if (el) window.scrollBy(0, el.getBoundingClientRect().top - anchor.top);
    }
    anchor = null;
    const forms = new Map(keyed(builder));
    for (const { key, fields } of kept) {
      const form = forms.get(key);
      if (!form) continue;
      for (const saved of fields) {
        const el = (saved.id && form.querySelector(`#${CSS.escape(saved.id)}`)) || form.elements[saved.name];
        if (!el || !el.tagName) continue;
        if (el.type === "checkbox" || el.type === "radio") el.checked = saved.checked;
        else if (saved.selected) [...el.options].forEach((o) => { o.selected = saved.selected.includes(o.value); });
        else el.value = saved.value;
      }
      const details = form.closest("details");
      if (details) details.open = true;
    }
    kept = null;
  });

  // --- Boxes that scroll ----------------------------------------------------------------
  // A table too wide for the screen scrolls inside its box; the keyboard must reach that
  // box too. One that scrolls and holds nothing focusable gets a tab stop and a name (its
  // table's caption); it gives them back when it no longer scrolls.
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  const markScrollers = () => {
    document.querySelectorAll(".table-wrap").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex") && !box.querySelector(FOCUSABLE)) {
        const caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.dataset.scrollStop = "true";
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table (scrolls sideways)");
      } else if (!scrolls && box.dataset.scrollStop) {
        ["tabindex", "role", "aria-label", "data-scroll-stop"].forEach((a) => box.removeAttribute(a));
      }
    });
  };
  let markPending = false;
  const markSoon = () => {
    if (markPending) return;
    markPending = true;
    requestAnimationFrame(() => {
      markPending = false;
      markScrollers();
    });
  };
  document.addEventListener("DOMContentLoaded", markScrollers);
  document.addEventListener("htmx:afterSettle", markSoon);
  document.addEventListener("toggle", markSoon, true); // <details> opening shows its tables
  window.addEventListener("resize", markSoon);

  // --- A save in flight ----------------------------------------------------------------
  // The submit button says so, and a second click does not post twice.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (!form || event.detail.requestConfig.verb === "get") return;
    submitting.add(form);
    form.setAttribute("aria-busy", "true");
    const button = form.querySelector('button[type="submit"], button:not([type])');
    if (button) {
      button.dataset.label = button.textContent;
      button.textContent = "Saving…";
      button.disabled = true;
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (!form || !form.isConnected) return;
    submitting.delete(form);
    form.removeAttribute("aria-busy");
    const button = form.querySelector("button[data-label]");
    if (button) {
      button.textContent = button.dataset.label;
      button.disabled = false;
      delete button.dataset.label;
    }
  });
})();
