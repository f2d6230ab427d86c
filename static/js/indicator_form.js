// The indicator form: only the parameters of the rule chosen are shown (the server reads only
// those), and no rule or parameter for an indicator entered by hand.
(function () {
  "use strict";

  const method = document.getElementById("id_method");
  const rule = document.getElementById("id_rule");
  if (!method || !rule) {
    return;
  }
  const ruleBox = rule.closest("[class*='col-']");
  const params = document.getElementById("rule-params");

  function show() {
    const derived = method.value === "derived";
    if (ruleBox) {
      ruleBox.hidden = !derived;
    }
    params.hidden = !derived;
    let shown = 0;
    params.querySelectorAll("[data-rules]").forEach(function (box) {
      const takes = derived && box.dataset.rules.split(" ").indexOf(rule.value) !== -1;
      box.hidden = !takes;
      shown += takes ? 1 : 0;
    });
    params.hidden = !derived || shown === 0;
  }

  method.addEventListener("change", show);
  rule.addEventListener("change", show);
  show();
})();
