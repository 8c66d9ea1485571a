// Request form: picking one of the customer's units hides model, serial and purchase date (the unit has them);
// "another unit" shows them again.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (input.id !== "asset_id") return;
  const typed = document.getElementById("unit-typed");
  if (typed) typed.hidden = Boolean(input.value);
});
