// Copy buttons of the citation: the text of the element named by data-copy-target.
(function () {
  "use strict";
  function copied(button) {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied-label") || label;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".tangerang-copy") : null;
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var text = target.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); },
        function () { fallback(text); copied(button); });
    } else {
      fallback(text);
      copied(button);
    }
  });
})();
