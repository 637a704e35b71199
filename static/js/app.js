// NTM Intranet: small progressive enhancements. No inline script anywhere (strict CSP).
(function () {
  "use strict";

  // Send the CSRF token with every htmx request (Flask-WTF reads X-CSRFToken).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // <form data-confirm="..."> asks before submitting (a reset, a deletion).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // A form is sent once: the submit button is disabled while the request is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach(function (button) {
        button.setAttribute("aria-busy", "true");
        button.disabled = true;
      });
    }, 0);
  });

  // Uploads: refuse a file over the size cap before sending it (a slow link would waste minutes),
  // then show the progress of the upload.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
      return;
    }
    var form = input.form;
    var message = form && form.querySelector("[data-size-error]");
    var file = input.files && input.files[0];
    var tooBig = file && file.size > Number(input.dataset.maxBytes);
    if (message) {
      message.hidden = !tooBig;
    }
    if (tooBig) {
      input.value = "";
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  });

  function progressOf(element) {
    var form = element && element.closest ? element.closest("form[data-progress]") : null;
    return form ? form.querySelector(".upload-progress") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = progressOf(event.target);
    if (box && box.closest("form").querySelector('input[type="file"]').value) {
      box.hidden = false;
      box.querySelector("progress").value = 0;
      box.querySelector("[data-progress-text]").textContent = "0%";
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var box = progressOf(event.target);
    if (box && event.detail.lengthComputable) {
      var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
      box.querySelector("progress").value = percent;
      box.querySelector("[data-progress-text]").textContent = percent + "%";
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var box = progressOf(event.target);
    if (box) {
      box.querySelector("[data-progress-text]").textContent = box.dataset.failed || "Lỗi mạng: chưa gửi được, hãy thử lại.";
    }
    event.target.querySelectorAll && event.target.querySelectorAll("button[aria-busy]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });

  // Coming back with the browser's Back button must not leave buttons disabled.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[aria-busy]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
})();
