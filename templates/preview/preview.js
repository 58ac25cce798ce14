// build.py watch: keeps an open page of the preview up to date (edition/serve/preview.py).
// The server's events (/events) carry its state: a page whose content is out of date reloads, at
// the same scroll position when it shows the edition.  With the PDF button the page splits: the
// text in a frame on the left (it reloads alone at every save), the PDF on the right (reloaded
// only when a new PDF is laid out, so that it keeps its place).
(() => {
  const preview = document.getElementById("preview");
  const status = document.getElementById("preview-status");
  const toggle = document.getElementById("preview-pdf-toggle");
  const text = document.getElementById("preview-text");
  const frame = document.getElementById("preview-pdf");
  const edition = preview.dataset.edition === "yes";
  const framed = window.frameElement !== null;  // the text beside the PDF
  const scrollKey = "preview-scroll";
  const pdfKey = "preview-pdf-open";
  let pdf = Number(preview.dataset.pdf);
  let split = false;

  // The edition's scroll position, kept across reloads; a page of problems leaves it alone.
  history.scrollRestoration = "manual";
  const keepScroll = (y) => { if (edition) sessionStorage.setItem(scrollKey, String(y)); };
  window.addEventListener("pagehide", () => { if (!split) keepScroll(window.scrollY); });
  window.addEventListener("load", () => {
    const y = sessionStorage.getItem(scrollKey);
    if (edition && !split && y !== null) {
      sessionStorage.removeItem(scrollKey);
      window.scrollTo(0, Number(y));
    }
  });

  const showPdf = (open, opening) => {
    if (open) {
      if (opening) keepScroll(window.scrollY);  // the text frame opens where the page was
      split = true;
      sessionStorage.setItem(pdfKey, "yes");
      document.documentElement.classList.add("preview-split");
      toggle.setAttribute("aria-pressed", "true");
      text.src = location.href;
      if (pdf) frame.src = "/pdf?v=" + pdf;
    } else {
      sessionStorage.setItem(pdfKey, "no");
      location.reload();  // the page as it is now, where the frame was (the frame keeps its scroll)
    }
  };
  if (framed) {
    document.documentElement.classList.add("preview-framed");
  } else if (toggle) {
    toggle.addEventListener("click", () => showPdf(!split, true));
    if (sessionStorage.getItem(pdfKey) === "yes") showPdf(true, false);
  }

  const events = new EventSource("/events");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    status.textContent = state.status;
    if (state.page !== preview.dataset.page && !split) {
      events.close();
      location.reload();
      return;
    }
    if (state.pdf !== pdf) {
      pdf = state.pdf;
      if (split) frame.src = "/pdf?v=" + pdf;
    }
  };
  events.onerror = () => { status.textContent = "no connection to build.py watch: is it running?"; };
})();
