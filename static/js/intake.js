// Intake form helpers: a registered unit picked from the list (or its serial typed) fills model, serial and purchase date;
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

// A serial typed by hand that belongs to one of the customer's units fills model and purchase date if empty.
document.addEventListener("htmx:afterSwap", (event) => {
  const facts = event.detail.target;
  if (!facts || facts.id !== "serial-facts") return;
  const unit = facts.querySelector("[data-asset-model]");
  const form = facts.closest("#intake-form");
  if (!unit || !form) return;
  const fields = form.elements;
  let filled = false;
  if (!fields.product_model_id.value) { fields.product_model_id.value = unit.dataset.assetModel; filled = true; }
  if (!fields.purchase_date.value && unit.dataset.assetPurchase) {
    fields.purchase_date.value = unit.dataset.assetPurchase;
    filled = true;
  }
  if (filled) form.dispatchEvent(new Event("change"));  // the completeness panel counts them
});

// A customer picked from the search hits: the contact the search matched fills the contact fields left empty,
// and the unit it matched fills model, serial and purchase date (as picking it from the list does).
document.addEventListener("htmx:afterSettle", () => {
  const picked = document.querySelector("#contact-select[data-name]");
  if (!picked) return;
  const form = picked.closest("#intake-form");
  const { name, phone } = picked.dataset;
  delete picked.dataset.name;  // filled once: a later swap elsewhere does not overwrite what the agent typed
  delete picked.dataset.phone;
  if (!form) return;
  const fields = form.elements;
  if (!fields.contact_name.value) fields.contact_name.value = name || "";
  if (!fields.contact_phone.value) fields.contact_phone.value = phone || "";
  if (fields.asset_id && fields.asset_id.value) {
    fields.asset_id.dispatchEvent(new Event("change", { bubbles: true }));
  }
  form.dispatchEvent(new Event("change"));
});
