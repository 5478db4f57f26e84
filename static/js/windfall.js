// Windfall's own behaviour, kept out of the HTML so the Content Security Policy can
// forbid inline scripts and handlers. Buttons marked data-print open the print dialog.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
