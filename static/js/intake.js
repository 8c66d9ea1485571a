// Intake form helpers: a registered unit picked from the list fills model, serial number and purchase date;
// the photos picked are counted into a hidden field for the live completeness score (they are not sent for it).
document.addEventListener("change", (event) => {
  const input = event.target;
  const form = input.closest ? input.closest("#intake-form") : null;
  if (!form) return;
  if (input.name === "asset_id") {
    const option = input.selectedOptions[0];
    if (!option || !option.value) return;
    form.elements.product_model_id.value = option.dataset.model;
    form.elements.serial.value = option.dataset.serial;
    if (option.dataset.purchase) form.elements.purchase_date.value = option.dataset.purchase;
    // The serial lookup listens for typing in the serial field.
    form.elements.serial.dispatchEvent(new Event("input", { bubbles: true }));
  } else if (input.type === "file" && form.elements.attachment_count) {
    form.elements.attachment_count.value = String(input.files.length);
  }
}, true);
