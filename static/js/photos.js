// Photos are shrunk on the phone before they are stored or sent: a 12 MP camera shot becomes a JPEG of at
// most 1600 px on the long edge (a few hundred kB), turned upright, without its EXIF (GPS) block.
export const MAX_EDGE = 1600;
export const QUALITY = 0.85;

/** A JPEG Blob of `file` fitted into MAX_EDGE; the original file when the browser cannot decode it. */
export async function downscale(file) {
  let image;
  try {
    image = await decode(file);
  } catch (err) {
    // HEIC on a browser without a decoder, or a damaged file: send it as taken, the server re-encodes.
    console.warn("photo kept as taken:", file.name, err);
    return { blob: file, filename: file.name || "photo" };
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = "OffscreenCanvas" in self ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement("canvas"), { width, height });
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  // JPEG has no alpha: a transparent PNG would otherwise turn black.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image.source, 0, 0, width, height);
  image.release();
  const blob = canvas.convertToBlob
    ? await canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY })
    : await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  return { blob, filename: jpegName(file.name) };
}

/** An upright bitmap of the photo; falls back to an <img>, which browsers also turn by its EXIF. */
async function decode(file) {
  if ("createImageBitmap" in self) {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      return { source: bitmap, width: bitmap.width, height: bitmap.height, release: () => bitmap.close() };
    } catch (err) {
      // Older Safari rejects the options bag: try the <img> path.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = "async";
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, release: () => {} };
  } finally {
    // drawImage happens after this returns, but a decoded <img> keeps its pixels without the URL.
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
}

function jpegName(name) {
  const base = (name || "photo").replace(/\.[^.]+$/, "");
  return `${base || "photo"}.jpg`;
}
