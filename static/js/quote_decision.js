// The customer's quote decision records the phone's or computer's clock as the decision leaves it (the server
// keeps both times). Listens on the document, in the capture phase, so that a form htmx swapped in later is
// filled too, and before htmx reads the form.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches && form.matches("form.quote-decision") && form.elements.client_decided_at) {
    form.elements.client_decided_at.value = new Date().toISOString();
  }
}, true);
