// The editors' page works without this script; it adds two things: buttons that copy
// a corrected attribution line (as text, or as HTML with a text fallback), and a note
// that the check is running once the form is sent. It reads only what the server
// wrote into data attributes, and writes only text (never markup) into the page.
"use strict";

function copied(button, ok) {
  const label = button.textContent;
  button.textContent = ok ? "Copied" : "Select the line and copy it";
  button.classList.toggle("done", ok);
  setTimeout(() => { button.textContent = label; button.classList.remove("done"); }, 2000);
}

async function copyLine(button) {
  const text = button.dataset.copyText || "";
  const markup = button.dataset.copyHtml;
  try {
    if (markup && window.ClipboardItem && navigator.clipboard.write) {
      const item = new ClipboardItem({
        "text/html": new Blob([markup], { type: "text/html" }),
        "text/plain": new Blob([text || markup], { type: "text/plain" }),
      });
      await navigator.clipboard.write([item]);
    } else {
      await navigator.clipboard.writeText(markup || text);
    }
    copied(button, true);
  } catch (error) {
    copied(button, false);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  if (navigator.clipboard) {
    for (const button of document.querySelectorAll("button[data-copy-text], button[data-copy-html]")) {
      button.hidden = false;
      button.addEventListener("click", () => copyLine(button));
    }
  }
  for (const form of document.querySelectorAll("form[data-progress]")) {
    form.addEventListener("submit", () => {
      const note = form.querySelector(".progress");
      const button = form.querySelector("button[type=submit]");
      if (note) {
        const started = Date.now();
        note.hidden = false;
        setInterval(() => {
          const seconds = Math.round((Date.now() - started) / 1000);
          note.textContent = "Checking: fetching the page and reading its images… " + seconds + " s";
        }, 1000);
      }
      if (button) { button.disabled = true; }
    });
  }
});
