// Live countdowns of reporting deadlines: every [data-due] badge shows the time left or overdue.
(function () {
  function text(minutes) {
    const m = Math.abs(minutes), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d >= 1) return d + " 天 " + (h % 24) + " 小时";
    if (h >= 1) return h + " 小时 " + (m % 60) + " 分";
    return m + " 分";
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      const left = Math.floor((Date.parse(el.dataset.due) - Date.now()) / 60000);
      el.textContent = left < 0 ? "已逾期 " + text(left) : "还剩 " + text(left);
      el.classList.toggle("text-bg-danger", left < 0);
      el.classList.toggle("text-bg-warning", left >= 0 && left < 30);
      el.classList.toggle("text-bg-light", left >= 30);
      el.classList.toggle("border", left >= 30);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
