// The desk's ticket panel: a one-time signing link is selected whole when tapped or focused, ready to copy.
// On the document, so that it works after htmx swaps the panel.
function selectAll(event) {
  const input = event.target;
  if (input.matches && input.matches("input[data-select-all]")) input.select();
}
document.addEventListener("click", selectAll);
document.addEventListener("focusin", selectAll);
