// "Copy link" next to each paragraph: copies the paragraph's full address. Without this script
// (or without clipboard access) the link still leads to the paragraph, whose address can be copied
// from the address bar.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) {
    return;
  }
  event.preventDefault();
  const url = new URL(link.getAttribute("href"), window.location.href).href;
  navigator.clipboard.writeText(url).then(
    () => {
      history.replaceState(null, "", url);
      const status = document.querySelector(".copy-status");
      if (status) {
        status.textContent = status.dataset.copiedMessage;
        window.setTimeout(() => {
          status.textContent = "";
        }, 3000);
      }
    },
    () => {
      window.location.hash = link.getAttribute("href");
    },
  );
});
