/*
 * Dashboard charts: every <div class="chart" data-chart="ID"> becomes an Apache ECharts chart
 * drawn from the JSON spec in <script id="ID" type="application/json"> (Django's json_script).
 * Spec types: "heatmap", "bar" (grouped, "horizontal", "stack") and "line"; the data table next
 * to each chart holds the same numbers, so a chart that fails to draw loses nothing.
 *
 * Works under the site's CSP (style-src 'self', no 'unsafe-inline'):
 * - the SVG renderer is safe: zrender writes SVG style through element.style.cssText (CSSOM),
 *   which CSP allows, not through style attributes;
 * - ECharts' default HTML tooltip markup is not: it is a string full of style="" attributes
 *   (one CSP violation per element, and the styling is dropped). So every tooltip here is built
 *   as DOM nodes with classes (styled in dashboard.css), and tooltips are "confine"d, which also
 *   drops the arrow ECharts would otherwise inject as styled HTML;
 * - sizes are set through element.style (CSSOM), never through style attributes.
 */
(function () {
  "use strict";

  // Series colours: actual, target, good, bad, then two spares. Distinct in greyscale too.
  const PALETTE = ["#2d6cb5", "#8a8f98", "#1e7b45", "#b02a37", "#c77c12", "#6b4c9a"];
  // Heat-map bands, low to high; the same colours as .heat-0 … .heat-4 in dashboard.css.
  const HEAT = ["#b02a37", "#d9693a", "#e0a526", "#8db04a", "#1e7b45"];
  const HEAT_TEXT = ["#fff", "#1b1b1b", "#1b1b1b", "#1b1b1b", "#fff"];
  const HEAT_NONE = "#c8ccd2"; // .heat-none
  const NONE_BAND = HEAT.length;
  const LINE_TYPES = ["solid", "dashed", "dotted"];
  const SYMBOLS = ["circle", "rect", "triangle", "diamond"];

  const FONT_SIZE = 14; // projector-readable; never below 13
  const ROW_HEIGHT = 28;
  const MIN_HEIGHT = 320;
  // Width charts are redrawn at for printing: A4 portrait minus the 15 mm @page margins of
  // dashboard.css. The SVG then gets a viewBox, so it still shrinks to fit narrower paper.
  const PRINT_WIDTH = 680;

  const LANG = document.documentElement.lang || "zh-CN";
  const NONE_LABEL = LANG.indexOf("en") === 0 ? "None due" : "无应报";
  const numberFormat = new Intl.NumberFormat(LANG, { maximumFractionDigits: 2 });
  const wholeFormat = new Intl.NumberFormat(LANG, { maximumFractionDigits: 0 });

  const charts = [];
  const printMedia = window.matchMedia("print");
  let printing = false;

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function withUnit(value, unit) {
    if (!isNumber(value)) {
      return "—";
    }
    if (!unit) {
      return numberFormat.format(value);
    }
    return numberFormat.format(value) + (unit === "%" ? "%" : " " + unit);
  }

  // --- Tooltips: DOM nodes, no HTML strings (see the CSP note above) ---

  function node(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function axisTooltip(unit) {
    return function (params) {
      const box = node("div", "chart-tip");
      box.appendChild(node("div", "chart-tip-title", params[0].axisValueLabel));
      params.forEach(function (p) {
        const row = node("div", "chart-tip-row");
        const marker = node("span", "chart-tip-marker");
        marker.style.backgroundColor = p.color;
        row.appendChild(marker);
        row.appendChild(node("span", "", p.seriesName));
        row.appendChild(node("span", "chart-tip-value", withUnit(p.value, unit)));
        box.appendChild(row);
      });
      return box;
    };
  }

  function heatTooltip(params) {
    return node("div", "chart-tip chart-tip-text", params.data.tip);
  }

  // --- Shared option parts ---

  function textWidth(labels) {
    // CJK glyphs are about one em wide; good enough to decide on rotation.
    return labels.reduce(function (widest, label) {
      return Math.max(widest, String(label).length * FONT_SIZE);
    }, 0);
  }

  // Category labels: level if they fit, else at 45°, else 45° and only every n-th label.
  function categoryLabels(labels, slotWidth) {
    if (textWidth(labels) + 8 <= slotWidth) {
      return { interval: 0, rotate: 0 };
    }
    const needed = FONT_SIZE * 1.5; // a 45° label's footprint along the axis
    return { interval: slotWidth >= needed ? 0 : Math.ceil(needed / slotWidth) - 1, rotate: 45 };
  }

  function axisLabel(extra) {
    return Object.assign({ fontSize: FONT_SIZE, color: "#333" }, extra);
  }

  function valueAxis(unit, horizontal) {
    return {
      type: "value",
      name: unit || "",
      nameLocation: horizontal ? "middle" : "end",
      nameGap: horizontal ? 30 : 12,
      nameTextStyle: { fontSize: FONT_SIZE, color: "#333" },
      axisLabel: axisLabel({}),
      splitLine: { lineStyle: { color: "#e3e5e8" } },
    };
  }

  function baseOption() {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, fontSize: FONT_SIZE },
      tooltip: {
        confine: true,
        className: "chart-tooltip",
        textStyle: { fontSize: FONT_SIZE, color: "#1b1b1b" },
      },
    };
  }

  function grid(top, bottom) {
    // ECharts 6 shrinks the plot until axis labels and names fit inside outerBounds.
    return { top: top, left: 8, right: 24, bottom: bottom, outerBounds: { left: 4, right: 8, top: 0, bottom: 8 } };
  }

  function legend() {
    return { top: 0, left: "center", itemGap: 20, textStyle: { fontSize: FONT_SIZE, color: "#333" } };
  }

  // --- Heat map ---

  function heatBands(spec) {
    const values = spec.cells.map(function (cell) { return cell[2]; }).filter(isNumber);
    const min = isNumber(spec.min) ? spec.min : Math.min.apply(null, values.concat([0]));
    const max = isNumber(spec.max) ? spec.max : Math.max.apply(null, values.concat([min + 1]));
    const step = (max - min) / HEAT.length;
    return {
      band: function (value) {
        if (step <= 0) {
          return HEAT.length - 1;
        }
        return Math.max(0, Math.min(HEAT.length - 1, Math.floor((value - min) / step)));
      },
      label: function (band) {
        const unit = spec.unit === "%" ? "%" : "";
        return wholeFormat.format(min + band * step) + "–" + wholeFormat.format(min + (band + 1) * step) + unit;
      },
    };
  }

  function heatmapHeight(spec) {
    return Math.max(MIN_HEIGHT, spec.rows.length * ROW_HEIGHT + 140);
  }

  function heatmapOption(spec, width) {
    const bands = heatBands(spec);
    const plotWidth = Math.max(100, width - textWidth(spec.rows) - 40);
    const slot = plotWidth / Math.max(1, spec.columns.length);
    const linked = [];
    const plain = [];
    spec.cells.forEach(function (cell) {
      const value = cell[2];
      const band = isNumber(value) ? bands.band(value) : NONE_BAND;
      const item = {
        // [x, y, value, band]; a no-data cell needs some number to be drawn at all.
        value: [cell[1], cell[0], isNumber(value) ? value : 0, band],
        number: isNumber(value) ? value : null,
        url: cell[3],
        tip: cell[4],
        label: { color: band === NONE_BAND ? "#333" : HEAT_TEXT[band] },
      };
      (cell[3] ? linked : plain).push(item);
    });
    const cellSeries = {
      type: "heatmap",
      label: {
        show: slot >= 30,
        fontSize: 13,
        formatter: function (p) { return p.data.number === null ? "" : wholeFormat.format(p.data.number); },
      },
      itemStyle: { borderColor: "#fff", borderWidth: 1 },
      // No hover highlight: it lifts the cell's z-order, the SVG renderer then re-inserts the
      // <path> and a click whose mousedown landed on the old node never fires.
      emphasis: { disabled: true },
    };
    const pieces = HEAT.map(function (colour, band) {
      return { value: band, label: bands.label(band), color: colour };
    }).reverse();
    pieces.push({ value: NONE_BAND, label: NONE_LABEL, color: HEAT_NONE });
    const option = baseOption();
    option.tooltip.trigger = "item";
    option.tooltip.formatter = heatTooltip;
    return Object.assign(option, {
      grid: grid(44, 16),
      visualMap: {
        type: "piecewise",
        dimension: 3,
        pieces: pieces,
        orient: "horizontal",
        top: 0,
        left: "center",
        // Six entries must fit on one line of a phone-width chart too.
        itemGap: width < 640 ? 6 : 14,
        itemWidth: width < 640 ? 12 : 20,
        textGap: 4,
        textStyle: { fontSize: 13, color: "#333" },
      },
      xAxis: {
        type: "category",
        data: spec.columns,
        splitArea: { show: false },
        axisTick: { show: false },
        axisLabel: axisLabel(categoryLabels(spec.columns, slot)),
      },
      yAxis: {
        type: "category",
        data: spec.rows,
        inverse: true,
        axisTick: { show: false },
        axisLabel: axisLabel({ interval: 0 }),
      },
      series: [
        Object.assign({ name: "linked", data: linked, cursor: "pointer" }, cellSeries),
        Object.assign({ name: "plain", data: plain, cursor: "default" }, cellSeries),
      ],
    });
  }

  // --- Bars and lines ---

  function barHeight(spec) {
    if (!spec.horizontal) {
      return 360;
    }
    const perCategory = spec.stack ? ROW_HEIGHT : Math.max(ROW_HEIGHT, spec.series.length * 12 + 10);
    return Math.max(MIN_HEIGHT, spec.categories.length * perCategory + 100);
  }

  function categoryAxis(spec, width) {
    const horizontal = spec.type === "bar" && spec.horizontal;
    const slot = (width - 80) / Math.max(1, spec.categories.length);
    return {
      type: "category",
      data: spec.categories,
      inverse: horizontal, // first category on top, as in the table
      axisTick: { alignWithLabel: true },
      axisLabel: axisLabel(horizontal ? { interval: 0 } : categoryLabels(spec.categories, slot)),
    };
  }

  function barOption(spec, width) {
    const option = baseOption();
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.tooltip.formatter = axisTooltip(spec.unit);
    const categories = categoryAxis(spec, width);
    const values = valueAxis(spec.unit, spec.horizontal);
    return Object.assign(option, {
      legend: legend(),
      grid: grid(48, 16),
      xAxis: spec.horizontal ? values : categories,
      yAxis: spec.horizontal ? categories : values,
      series: spec.series.map(function (s) {
        return {
          type: "bar",
          name: s.name,
          data: s.data,
          stack: spec.stack ? "total" : undefined,
          barMaxWidth: 32,
          emphasis: { focus: "series" },
        };
      }),
    });
  }

  function lineOption(spec, width) {
    const option = baseOption();
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = axisTooltip(spec.unit);
    return Object.assign(option, {
      legend: legend(),
      grid: grid(48, 16),
      xAxis: Object.assign(categoryAxis(spec, width), { boundaryGap: false }),
      yAxis: valueAxis(spec.unit, false),
      series: spec.series.map(function (s, i) {
        // Line style and symbol vary too, so the series stay apart in greyscale print.
        return {
          type: "line",
          name: s.name,
          data: s.data,
          connectNulls: false,
          symbol: SYMBOLS[i % SYMBOLS.length],
          symbolSize: 8,
          lineStyle: { width: 2.5, type: LINE_TYPES[i % LINE_TYPES.length] },
        };
      }),
    });
  }

  const KINDS = {
    heatmap: { option: heatmapOption, height: heatmapHeight },
    bar: { option: barOption, height: barHeight },
    line: { option: lineOption, height: function () { return 360; } },
  };

  // --- Drawing, resizing, printing ---

  function draw(entry, width) {
    entry.chart.setOption(KINDS[entry.spec.type].option(entry.spec, width), { notMerge: true });
  }

  function redrawAll() {
    if (printing) {
      return;
    }
    charts.forEach(function (entry) {
      // "auto": back to the container's size; zrender keeps the print size otherwise.
      entry.chart.resize({ width: "auto", height: "auto" });
      draw(entry, entry.el.clientWidth);
    });
  }

  // Browsers differ in the order of beforeprint/afterprint and the print media query change
  // (Chromium's print-to-PDF sends afterprint while print media still applies), so both
  // handlers are idempotent and the screen size only comes back once print media is gone.
  function enterPrint() {
    printing = true;
    charts.forEach(function (entry) {
      entry.chart.dispatchAction({ type: "hideTip" });
      entry.chart.resize({ width: PRINT_WIDTH, height: entry.height });
      draw(entry, PRINT_WIDTH);
      const svg = entry.el.querySelector("svg");
      if (svg) {
        svg.setAttribute("viewBox", "0 0 " + PRINT_WIDTH + " " + entry.height);
      }
    });
  }

  function leavePrint() {
    if (!printing || printMedia.matches) {
      return;
    }
    printing = false;
    charts.forEach(function (entry) {
      const svg = entry.el.querySelector("svg");
      if (svg) {
        svg.removeAttribute("viewBox");
      }
    });
    redrawAll();
  }

  function navigateOnClick(params) {
    if (params.data && params.data.url) {
      window.location.assign(params.data.url);
    }
  }

  function setUp(el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source) {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const kind = KINDS[spec.type];
    if (!kind) {
      return;
    }
    const height = kind.height(spec);
    el.style.height = height + "px";
    const entry = { el: el, spec: spec, height: height, chart: echarts.init(el, null, { renderer: "svg" }) };
    if (spec.type === "heatmap") {
      entry.chart.on("click", navigateOnClick);
    }
    draw(entry, el.clientWidth);
    charts.push(entry);
  }

  function init() {
    if (typeof echarts === "undefined") {
      return; // the data tables still show everything
    }
    document.querySelectorAll(".chart[data-chart]").forEach(setUp);
    if (!charts.length) {
      return;
    }
    let pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(redrawAll, 150);
    });
    window.addEventListener("beforeprint", enterPrint);
    window.addEventListener("afterprint", leavePrint);
    printMedia.addEventListener("change", function (event) {
      if (event.matches) {
        enterPrint();
      } else {
        leavePrint();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
