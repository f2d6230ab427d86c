// Plan entry: a search box above each area drop-down (hundreds of provinces and districts),
// matching names with or without Vietnamese accents ("bac giang" finds "Bắc Giang").
(function () {
  "use strict";

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function searchable(select) {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.form.dataset.searchPlaceholder || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      const words = plain(box.value.trim()).split(/\s+/).filter(Boolean);
      select.querySelectorAll("option").forEach(function (option) {
        const name = plain(option.textContent);
        option.hidden = option.value !== "" && !option.selected && !words.every(function (w) { return name.indexOf(w) !== -1; });
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
  }

  document.querySelectorAll("select[data-searchable]").forEach(searchable);
})();
