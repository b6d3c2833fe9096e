// Date fields show and take yyyy-mm-dd (a time: yyyy-mm-dd hh:mm) whatever the browser's locale: a native
// <input type="date"> shows mm/dd/yyyy in an English browser. Templates render text fields marked data-date
// (templates/_dates.html); a native date or datetime-local field still found in a page is made one here. Each gets
// a 「选择」 button opening the browser's own picker, whose answer is written back as yyyy-mm-dd; what is typed
// (2026/3/5, 2026年3月5日 …) is tidied to yyyy-mm-dd, and the server reads the same forms (web/dates.py).
(function () {
  "use strict";
  var PATTERN = /^(\d{4})\s*[-\/.年]\s*(\d{1,2})\s*[-\/.月]\s*(\d{1,2})\s*日?(?:\s*[T\s]\s*(\d{1,2})\s*[:：]\s*(\d{2}))?$/;

  function pad(n) { return String(n).padStart(2, "0"); }

  function upgrade(input) {
    var kind = input.type === "date" ? "date" : "datetime";
    var value = input.value.replace("T", " ");  // a native field's value is ISO whatever the locale
    input.type = "text";
    input.value = value;
    input.dataset.date = kind;
    input.placeholder = kind === "date" ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm";
    input.autocomplete = "off";
  }

  function tidy(input) {
    var m = input.value.trim().match(PATTERN);
    if (!m) return;
    var text = m[1] + "-" + pad(m[2]) + "-" + pad(m[3]);
    if (m[4] !== undefined && input.dataset.date === "datetime") text += " " + pad(m[4]) + ":" + m[5];
    input.value = text;
  }

  function addPicker(input) {
    var native = document.createElement("input");
    native.type = input.dataset.date === "date" ? "date" : "datetime-local";
    native.className = "date-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-pick";
    button.textContent = "选择";
    button.title = "从日历中选择";
    button.addEventListener("click", function () {
      tidy(input);
      native.value = input.value.replace(" ", "T");
      if (typeof native.showPicker === "function") {
        try { native.showPicker(); return; } catch (e) { /* not allowed here: fall back to focus */ }
      }
      native.focus();
    });
    native.addEventListener("change", function () {
      input.value = native.value.replace("T", " ");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.after(button, native);
  }

  function init(root) {
    root.querySelectorAll("input[type=date], input[type=datetime-local]").forEach(function (input) {
      if (!input.classList.contains("date-native")) upgrade(input);
    });
    root.querySelectorAll("input[data-date]").forEach(function (input) {
      if (input.dataset.ready) return;
      input.dataset.ready = "1";
      input.addEventListener("change", function () { tidy(input); });
      if (!input.readOnly) addPicker(input);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
