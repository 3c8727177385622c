// Tells the server, once, that a reader reached the end of an article (counted, never tied to a
// person). Nothing happens without IntersectionObserver or fetch: the count is only a measure.
(function () {
  "use strict";
  const article = document.querySelector("[data-read-url]");
  const end = document.querySelector("[data-read-end]");
  if (!article || !end || !("IntersectionObserver" in window) || !window.fetch) return;
  let token = "";
  try {
    token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    token = "";
  }
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    fetch(article.getAttribute("data-read-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).catch(() => {});
  });
  observer.observe(end);
})();
