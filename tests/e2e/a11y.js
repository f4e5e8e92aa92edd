// The accessibility basics of one page, checked in the page itself (see a11y.py).
// Returns [{rule, element, detail}] for: lang, label, h1, heading-order, img-alt (also role=img),
// name, contrast, overflow, nav. Called as a function of {lang, phone}.
({ lang, phone }) => {
  const found = [];
  const report = (rule, el, detail) => found.push({ rule, element: describe(el), detail });

  function describe(el) {
    if (!el || el === document) return "document";
    if (el === document.documentElement) return "html";
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) s += "." + classes.join(".");
    for (const attr of ["name", "type", "href"]) {
      if (el.getAttribute(attr)) s += `[${attr}=${el.getAttribute(attr).slice(0, 40)}]`;
    }
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return text ? `${s} "${text}"` : s;
  }

  // Rendered: takes up space and is not hidden (visually-hidden text still counts).
  function rendered(el) {
    if (!el.getClientRects().length) return false;
    return getComputedStyle(el).visibility !== "hidden";
  }

  function text(el) {
    return (el.textContent || "").replace(/\s+/g, " ").trim();
  }

  function labelledBy(el) {
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)).filter(Boolean).map(text).join(" ");
  }

  // --- lang ---
  const htmlLang = document.documentElement.getAttribute("lang") || "";
  if (htmlLang !== lang) report("lang", document.documentElement, `lang="${htmlLang}", want "${lang}"`);

  // --- form controls have an accessible name ---
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea"
  );
  for (const el of controls) {
    if (!rendered(el)) continue;
    const named =
      [...(el.labels || [])].some((l) => text(l)) ||
      (el.getAttribute("aria-label") || "").trim() ||
      labelledBy(el);
    if (!named) report("label", el, "form control without <label>, aria-label or aria-labelledby");
  }

  // --- headings: one h1, no skipped level ---
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(rendered);
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) report("h1", h1s[1] || document, `${h1s.length} <h1> on the page, want 1`);
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) report("heading-order", h, `h${level} after h${previous || "(none)"}`);
    previous = level;
  }

  // --- images have alt; links and buttons have a name ---
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) report("img-alt", img, "image without alt");
  }
  for (const figure of document.querySelectorAll("[role=img]")) {
    const named = (figure.getAttribute("aria-label") || "").trim() || labelledBy(figure);
    if (!named) report("img-alt", figure, "role=img without aria-label or aria-labelledby");
  }
  const actionable = document.querySelectorAll(
    "a[href], button, input[type=submit], input[type=button], input[type=reset], [role=button]"
  );
  for (const el of actionable) {
    if (!rendered(el)) continue;
    const name =
      text(el) ||
      (el.getAttribute("aria-label") || "").trim() ||
      labelledBy(el) ||
      (el.getAttribute("title") || "").trim() ||
      (el.tagName === "INPUT" ? (el.value || "").trim() : "") ||
      [...el.querySelectorAll("img[alt]")].map((i) => i.alt.trim()).join("");
    if (!name) report("name", el, "link or button without a name (text, aria-label or title)");
  }

  // --- contrast ---
  function rgba(value) {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(top, bottom) {
    // `top` with its alpha composited on an opaque `bottom`.
    const a = top.a;
    return {
      r: top.r * a + bottom.r * (1 - a),
      g: top.g * a + bottom.g * (1 - a),
      b: top.b * a + bottom.b * (1 - a),
      a: 1,
    };
  }
  function luminance(c) {
    const ch = [c.r, c.g, c.b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }
  function ratio(a, b) {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  }
  // The colour behind an element: its own and its ancestors' backgrounds, composited from the
  // first opaque one (white canvas below all). null when an image or gradient is in the way.
  function background(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;
      const c = rgba(style.backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  }
  function opacity(el) {
    let o = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      o *= Number(getComputedStyle(node).opacity);
    }
    return o;
  }
  const textElements = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent.trim() && node.parentElement) textElements.add(node.parentElement);
  }
  for (const el of document.querySelectorAll("input[type=submit], input[type=button]")) {
    textElements.add(el);
  }
  for (const el of textElements) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TITLE", "OPTION"].includes(el.tagName)) continue;
    if (!rendered(el)) continue;
    // Inactive controls are exempt (WCAG 1.4.3); so is text clipped to nothing (visually
    // hidden, for screen readers only).
    if (el.closest(":disabled, [aria-disabled=true]")) continue;
    // Chart labels are SVG text drawn by ECharts over its own shapes: what lies behind them is
    // a drawn shape, not a CSS background this check can find. Every chart has a data table
    // beside it with the same figures as HTML text, and that is checked.
    if (el.closest("svg")) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el);
    const fg = rgba(style.color);
    const bg = background(el);
    if (!fg || !bg) continue;
    const seen = over({ ...fg, a: fg.a * opacity(el) }, bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const got = ratio(seen, bg);
    if (got < need) {
      report("contrast", el, `${got.toFixed(2)}:1 (${style.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})), want ${need}:1`);
    }
  }

  if (phone) {
    // --- nothing wider than the screen except inside a scroll container ---
    // The layout viewport: a phone zooms out to fit a wide page, so innerWidth would grow.
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
      const scrolls = (node) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(node).overflowX);
      // Inside a scroll container, unless absolutely placed against something outside it
      // (a visually hidden label in a scrolling table still widens the page).
      function contained(el) {
        let position = getComputedStyle(el).position;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (position === "fixed") return false;
          const style = getComputedStyle(a);
          if (position !== "absolute" || style.position !== "static") {
            if (scrolls(a)) return true;
            position = style.position;
          }
        }
        return false;
      }
      const wide = new Set(
        [...document.body.querySelectorAll("*")].filter(
          (el) => rendered(el) && el.getBoundingClientRect().right > width + 1 && !contained(el)
        )
      );
      for (const el of wide) {
        if (wide.has(el.parentElement)) continue; // name the outermost one
        report("overflow", el, `right edge at ${Math.round(el.getBoundingClientRect().right)}px on a ${width}px screen`);
      }
      if (!wide.size) report("overflow", document.documentElement, `page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
    }

    // --- every link of the site's navigation can be seen and tapped ---
    for (const link of document.querySelectorAll("header nav a, header nav button")) {
      const box = link.getBoundingClientRect();
      if (!rendered(link) || box.width < 1) {
        report("nav", link, "navigation item hidden at phone width");
        continue;
      }
      if (box.left < 0 || box.right > width + 1) {
        report("nav", link, `navigation item off screen (${Math.round(box.left)}–${Math.round(box.right)}px)`);
        continue;
      }
      link.scrollIntoView({ block: "center" });
      const b = link.getBoundingClientRect();
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (!hit || !(link === hit || link.contains(hit))) {
        report("nav", link, `covered by ${describe(hit)}`);
      }
    }
    window.scrollTo(0, 0);
  }
  return found;
}
