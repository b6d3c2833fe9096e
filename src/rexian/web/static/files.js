// File fields in Chinese whatever the browser's locale: a native <input type="file"> labels itself in the
// browser's language ("Choose Files / No file chosen" in an English Chromium). Templates wrap it in a label
// (templates/ticket.html: label.file-pick) whose 「选择文件」 opens the browser's own dialog without any script;
// this only writes the chosen files' names (or 「未选择文件」) beside it.
(function () {
  "use strict";

  function show(input) {
    var names = input.closest("label.file-pick").querySelector(".file-names");
    var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    names.textContent = files.length ? "已选择 " + files.length + " 个文件：" + files.join("、") : "未选择文件";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("label.file-pick input[type=file]")) show(input);
  });
})();
