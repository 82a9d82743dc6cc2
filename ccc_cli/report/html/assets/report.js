/* ccc report: hover values and zoom on time. The page is complete without this script;
   it only reads what the page already holds (data-tip attributes, chart data). */
(function () {
  "use strict";
  var words = JSON.parse(document.getElementById("ccc-words").textContent);
  var tipBox = document.getElementById("tip");
  var SVGNS = "http://www.w3.org/2000/svg";

  function fmt(value, decimals) {
    var parts = Number(value).toFixed(decimals).split(".");
    var thousands = words.lang === "vi" ? "." : ",";
    var point = words.lang === "vi" ? "," : ".";
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
    return parts.length > 1 ? whole + point + parts[1] : whole;
  }

  function showTip(text, x, y) {
    tipBox.textContent = text;
    tipBox.hidden = false;
    var w = tipBox.offsetWidth, h = tipBox.offsetHeight;
    var left = x + 14, top = y + 14;
    if (left + w > window.innerWidth - 8) left = x - w - 14;
    if (top + h > window.innerHeight - 8) top = y - h - 14;
    tipBox.style.left = Math.max(left, 4) + "px";
    tipBox.style.top = Math.max(top, 4) + "px";
  }
  function hideTip() { tipBox.hidden = true; }

  // Marks that carry their own text.
  document.addEventListener("mousemove", function (e) {
    var el = e.target.closest ? e.target.closest("[data-tip]") : null;
    if (el) showTip(el.getAttribute("data-tip"), e.clientX, e.clientY);
    else if (!e.target.closest || !e.target.closest("svg.time-chart")) hideTip();
  });

  // --- time charts ----------------------------------------------------------------
  function localParts(iso) {
    // "2026-11-20T14:15:00+07:00": the wall time is written in the string itself.
    return {
      y: +iso.slice(0, 4), m: +iso.slice(5, 7), d: +iso.slice(8, 10),
      hh: +iso.slice(11, 13), mm: +iso.slice(14, 16), ss: +iso.slice(17, 19),
      clock: iso.slice(11, 16)
    };
  }
  function dayLabel(p) {
    var days = Date.UTC(p.y, p.m - 1, p.d) / 86400000;
    var weekday = (days + 3) % 7; // 1970-01-01 was a Thursday (Monday = 0)
    var day = words.lang === "vi"
      ? ("0" + p.d).slice(-2) + "/" + ("0" + p.m).slice(-2)
      : p.d + " " + words.months[p.m - 1];
    return words.weekdays[weekday] + " " + day;
  }
  var STEPS = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

  function setup(svg, data) {
    var plot = svg.querySelector("svg.plot");
    var overlay = svg.querySelector("rect.overlay");
    var ticksGroup = svg.querySelector("g.x-ticks");
    var left = +plot.getAttribute("x"), width = +plot.getAttribute("width");
    var top = +plot.getAttribute("y"), height = +plot.getAttribute("height");
    var span = +plot.getAttribute("data-span");
    var times = data.iso.map(function (s) { return Date.parse(s) / 1000; });
    var parts = data.iso.map(localParts);
    var t0 = times[0], every = data.every;
    var view = [0, span];

    function unitAt(clientX) {
      var r = overlay.getBoundingClientRect();
      var f = Math.min(Math.max((clientX - r.left) / r.width, 0), 1);
      return view[0] + f * (view[1] - view[0]);
    }
    function xOf(u) { return left + (u - view[0]) / (view[1] - view[0]) * width; }
    function bucketAt(u) {
      var t = t0 + u * every, lo = 0, hi = times.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (times[mid] <= t) lo = mid; else hi = mid - 1;
      }
      return lo;
    }
    function el(name, attrs) {
      var node = document.createElementNS(SVGNS, name);
      for (var k in attrs) node.setAttribute(k, attrs[k]);
      return node;
    }
    var guide = el("line", { "class": "guide", y1: top, y2: top + height, x1: 0, x2: 0, visibility: "hidden" });
    var selection = el("rect", { "class": "selection", y: top, height: height, x: 0, width: 0, visibility: "hidden" });
    svg.insertBefore(guide, overlay);
    svg.insertBefore(selection, overlay);

    function drawTicks() {
      while (ticksGroup.firstChild) ticksGroup.removeChild(ticksGroup.firstChild);
      var seconds = (view[1] - view[0]) * every;
      var step = 2419200;
      for (var s = 0; s < STEPS.length; s++) {
        if (seconds / STEPS[s] <= 10 && STEPS[s] >= every) { step = STEPS[s]; break; }
      }
      var y = top + height;
      for (var i = 0; i < times.length; i++) {
        var u = (times[i] - t0) / every;
        if (u < view[0] - 1e-9 || u > view[1] + 1e-9) continue;
        var p = parts[i], sod = p.hh * 3600 + p.mm * 60 + p.ss, label;
        if (step >= 86400) {
          if (sod !== 0) continue;
          var days = Date.UTC(p.y, p.m - 1, p.d) / 86400000, ordinal = days + 719163;
          if (step === 604800 && (days + 3) % 7 !== 0) continue;
          if (step === 172800 && ordinal % 2) continue;
          if (step > 604800 && Math.floor(ordinal / 7) % 4) continue;
          label = dayLabel(p);
        } else {
          if (sod % step) continue;
          label = sod === 0 ? dayLabel(p) : p.clock;
        }
        var x = xOf(u);
        ticksGroup.appendChild(el("line", { "class": "tick-line", x1: x, x2: x, y1: y, y2: y + 5 }));
        var text = el("text", { "class": "tick", x: x, y: y + 18, "text-anchor": "middle" });
        text.textContent = label;
        ticksGroup.appendChild(text);
      }
    }
    var reset = document.createElement("button");
    reset.className = "zoom-reset";
    reset.type = "button";
    reset.textContent = words.zoom_reset;
    reset.hidden = true;
    svg.parentNode.insertBefore(reset, svg);
    function setView(a, b) {
      view = [a, b];
      plot.setAttribute("viewBox", a + " 0 " + (b - a) + " " + data.top);
      reset.hidden = a === 0 && b === span;
      drawTicks();
    }
    reset.addEventListener("click", function () { setView(0, span); });

    function tipText(i) {
      var p = parts[i], next = i + 1 < parts.length ? parts[i + 1].clock : null;
      var lines = [dayLabel(p) + " " + p.clock + (next ? "–" + next : "")];
      if (data.kind === "concurrency") {
        lines.push(data.labels.max + ": " + fmt(data.max[i], 0));
        lines.push(data.labels.mean + ": " + fmt(data.mean[i], 2));
        for (var t in data.types) {
          if (data.types[t][i]) lines.push("   " + data.names[t] + ": " + fmt(data.types[t][i], 2));
        }
      }
      lines.push(data.labels.starts + ": " + fmt(data.starts[i], 0));
      return lines.join("\n");
    }
    var dragFrom = null;
    overlay.addEventListener("mousedown", function (e) { dragFrom = unitAt(e.clientX); e.preventDefault(); });
    overlay.addEventListener("mousemove", function (e) {
      var u = unitAt(e.clientX), i = bucketAt(u);
      var x = xOf((times[i] - t0) / every + 0.5);
      guide.setAttribute("x1", x); guide.setAttribute("x2", x);
      guide.setAttribute("visibility", "visible");
      if (dragFrom !== null) {
        var a = xOf(Math.min(dragFrom, u)), b = xOf(Math.max(dragFrom, u));
        selection.setAttribute("x", a); selection.setAttribute("width", b - a);
        selection.setAttribute("visibility", "visible");
      }
      showTip(tipText(i), e.clientX, e.clientY);
    });
    function endDrag(e) {
      if (dragFrom === null) return;
      var u = unitAt(e.clientX), a = Math.min(dragFrom, u), b = Math.max(dragFrom, u);
      dragFrom = null;
      selection.setAttribute("visibility", "hidden");
      var r = overlay.getBoundingClientRect();
      if ((b - a) / (view[1] - view[0]) * r.width > 4 && b - a >= 1) setView(a, b);
    }
    overlay.addEventListener("mouseup", endDrag);
    overlay.addEventListener("mouseleave", function (e) {
      endDrag(e);
      guide.setAttribute("visibility", "hidden");
      hideTip();
    });
    overlay.addEventListener("dblclick", function () { setView(0, span); });
    svg.cccZoom = setView; // for tests and the curious
  }

  var charts = document.querySelectorAll("svg.time-chart");
  for (var c = 0; c < charts.length; c++) {
    var holder = charts[c].nextElementSibling;
    if (holder && holder.classList.contains("chart-data")) setup(charts[c], JSON.parse(holder.textContent));
  }
})();
