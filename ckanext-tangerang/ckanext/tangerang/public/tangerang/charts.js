/* Satu Data Kota Tangerang: the catalog's charts, drawn with the vendored ECharts.
 *
 * Every <div class="tangerang-chart" data-chart='{...}'> holds its chart as JSON, built by
 * ckanext/tangerang/charts.py with every text already translated: "trend" (the quality
 * score of a dataset's runs), "sparkline" (the same, in a dashboard row) and "dimensions"
 * (the six dimension scores of one run); built by ckanext/tangerang/usage_views.py:
 * "usage_daily" and "usage_totals" (the usage statistics of /statistik). This file holds
 * no language of its own.
 */
(function () {
  "use strict";

  var GREEN = "#0b6e4f";
  var GOLD = "#f2a900";
  var RED = "#c0392b";
  var INK = "#17302a";
  var MUTED = "#52655f";
  var LINE = "#dce6e1";
  var GRADE_COLOURS = { A: GREEN, B: "#3c8d5a", C: GOLD, D: "#e07b00", E: RED };

  function gradeColour(grade) {
    return GRADE_COLOURS[grade] || MUTED;
  }

  function tooltipOf(points) {
    return {
      trigger: "axis",
      confine: true,
      formatter: function (items) {
        var point = points[items[0].dataIndex];
        return point.when + "<br><b>" + point.text + "</b>" +
          (point.grade ? " (" + point.grade + ")" : "");
      }
    };
  }

  function trend(spec) {
    var points = spec.points;
    var last = points.length ? points[points.length - 1] : null;
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 44, right: 24, top: 16, bottom: 36 },
      tooltip: tooltipOf(points),
      xAxis: {
        type: "category",
        data: points.map(function (p) { return p.x; }),
        axisLabel: { color: MUTED, hideOverlap: true },
        axisLine: { lineStyle: { color: LINE } }
      },
      yAxis: {
        type: "value", min: 0, max: 100, interval: 20,
        axisLabel: { color: MUTED },
        splitLine: { lineStyle: { color: LINE } }
      },
      series: [{
        name: spec.name,
        type: "line",
        data: points.map(function (p) { return p.y; }),
        symbolSize: 7,
        lineStyle: { width: 3, color: GREEN },
        itemStyle: {
          color: function (item) { return gradeColour(points[item.dataIndex].grade); }
        },
        areaStyle: { color: "rgba(11, 110, 79, 0.08)" },
        markLine: {
          silent: true,
          symbol: "none",
          label: { formatter: "{b}", color: MUTED, position: "end" },
          lineStyle: { type: "dashed", color: LINE },
          data: spec.grades.map(function (g) { return { name: g.label, yAxis: g.value }; })
        }
      }],
      color: [last ? gradeColour(last.grade) : GREEN]
    };
  }

  function sparkline(spec) {
    var points = spec.points;
    var last = points.length ? points[points.length - 1] : null;
    var colour = last ? gradeColour(last.grade) : GREEN;
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 2, right: 6, top: 4, bottom: 4 },
      tooltip: tooltipOf(points),
      xAxis: { type: "category", show: false, data: points.map(function (p) { return p.x; }) },
      yAxis: { type: "value", show: false, min: 0, max: 100 },
      series: [{
        name: spec.name,
        type: "line",
        data: points.map(function (p) { return p.y; }),
        showSymbol: points.length < 2,
        symbolSize: 5,
        lineStyle: { width: 2, color: colour },
        itemStyle: { color: colour },
        areaStyle: { color: colour, opacity: 0.12 }
      }]
    };
  }

  function dimensions(spec) {
    var bars = spec.bars.slice().reverse(); // ECharts draws the first category at the bottom
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var bar = bars[item.dataIndex];
          return bar.label + ": <b>" +
            (bar.value === null ? spec.not_applicable : bar.text) + "</b>";
        }
      },
      xAxis: { type: "value", min: 0, max: 100, show: false },
      yAxis: {
        type: "category",
        data: bars.map(function (b) { return b.label; }),
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: INK }
      },
      series: [{
        name: spec.name,
        type: "bar",
        barWidth: 14,
        showBackground: true,
        backgroundStyle: { color: "#eef3f0", borderRadius: 7 },
        itemStyle: { borderRadius: 7 },
        label: {
          show: true,
          position: "right",
          color: INK,
          formatter: function (item) {
            var bar = bars[item.dataIndex];
            return bar.value === null ? spec.not_applicable : bar.text;
          }
        },
        data: bars.map(function (b) {
          var value = b.value === null ? 0 : b.value;
          var colour = value >= 90 ? GREEN : value >= 60 ? GOLD : RED;
          return { value: value, itemStyle: { color: b.value === null ? LINE : colour } };
        })
      }]
    };
  }

  // Usage statistics (/statistik, usage_views.py): one line per kind over the days.
  var USAGE_COLOURS = [GREEN, GOLD, "#2f6db5"];

  function usageDaily(spec) {
    return {
      aria: { enabled: true },
      animation: false,
      color: USAGE_COLOURS,
      grid: { left: 44, right: 24, top: 40, bottom: 36 },
      legend: { top: 0, textStyle: { color: INK } },
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (items) {
          var lines = [spec.titles[items[0].dataIndex]];
          items.forEach(function (item) {
            lines.push(item.marker + item.seriesName + ": <b>" + item.value + "</b>");
          });
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "category",
        data: spec.days,
        axisLabel: { color: MUTED, hideOverlap: true },
        axisLine: { lineStyle: { color: LINE } }
      },
      yAxis: {
        type: "value", minInterval: 1,
        axisLabel: { color: MUTED },
        splitLine: { lineStyle: { color: LINE } }
      },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, symbolSize: 5, lineStyle: { width: 2 } };
      })
    };
  }

  // Usage statistics: one bar per kind, with its total.
  function usageTotals(spec) {
    var bars = spec.bars.slice().reverse(); // ECharts draws the first category at the bottom
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          return bars[item.dataIndex].label + ": <b>" + bars[item.dataIndex].text + "</b>";
        }
      },
      xAxis: { type: "value", show: false, minInterval: 1 },
      yAxis: {
        type: "category",
        data: bars.map(function (b) { return b.label; }),
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: { color: INK }
      },
      series: [{
        type: "bar",
        barWidth: 16,
        itemStyle: { borderRadius: 7 },
        label: {
          show: true,
          position: "right",
          color: INK,
          formatter: function (item) { return bars[item.dataIndex].text; }
        },
        data: bars.map(function (b, i) {
          return { value: b.value, itemStyle: { color: USAGE_COLOURS[bars.length - 1 - i] } };
        })
      }]
    };
  }

  var KINDS = {
    trend: trend,
    sparkline: sparkline,
    dimensions: dimensions,
    usage_daily: usageDaily,
    usage_totals: usageTotals
  };

  function draw(element) {
    var spec;
    try {
      spec = JSON.parse(element.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    var build = KINDS[spec.kind];
    if (!build || !window.echarts) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(build(spec));
    element.setAttribute("data-chart-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    var elements = document.querySelectorAll(".tangerang-chart[data-chart]");
    for (var i = 0; i < elements.length; i++) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
