// A small tus 1.0.0 client: creation (with deferred length), PATCH with a SHA-1 checksum,
// HEAD for the server's offset, DELETE. Errors carry the HTTP status so the uploader can
// tell "try again" (network, 5xx, 460) from "give up" (404, 410, 413, 415).

const TUS = "1.0.0";
const TIMEOUT_MS = 30_000;

export class TusError extends Error {
  constructor(status, message) {
    super(message || `tus HTTP ${status}`);
    this.status = status;
  }
}

function b64(text) {
  const bytes = new TextEncoder().encode(String(text));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function sha1(data) {
  const digest = await crypto.subtle.digest("SHA-1", data);
  return b64Bytes(new Uint8Array(digest));
}

function b64Bytes(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function send(url, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, {
      ...init,
      headers: { "Tus-Resumable": TUS, ...init.headers },
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (err) {
    throw new TusError(0, `network: ${err}`);
  } finally {
    clearTimeout(timer);
  }
}

// POST to the collection; `length` null → Upload-Defer-Length. Returns the upload URL.
export async function create(endpoint, metadata, length = null) {
  const headers = {
    "Upload-Metadata": Object.entries(metadata)
      .map(([key, value]) => `${key} ${b64(value)}`)
      .join(","),
  };
  if (length === null) headers["Upload-Defer-Length"] = "1";
  else headers["Upload-Length"] = String(length);
  const response = await send(endpoint, { method: "POST", headers });
  if (response.status !== 201) throw new TusError(response.status);
  const location = response.headers.get("Location");
  if (!location) throw new TusError(response.status, "no Location");
  return new URL(location, new URL(endpoint, window.location.href)).href;
}

// PATCH `data` at `offset`; `length` (the final size) goes with the last PATCH of a
// deferred-length upload. Returns the server's new offset.
export async function patch(url, offset, data, length = null) {
  const headers = {
    "Upload-Offset": String(offset),
    "Content-Type": "application/offset+octet-stream",
    "Upload-Checksum": `sha1 ${await sha1(data)}`,
  };
  if (length !== null) headers["Upload-Length"] = String(length);
  const response = await send(url, { method: "PATCH", headers, body: data });
  if (response.status !== 204) throw new TusError(response.status);
  return Number(response.headers.get("Upload-Offset"));
}

export async function head(url) {
  const response = await send(url, { method: "HEAD", headers: {} });
  if (response.status !== 200 && response.status !== 204) throw new TusError(response.status);
  const length = response.headers.get("Upload-Length");
  return {
    offset: Number(response.headers.get("Upload-Offset")),
    length: length === null ? null : Number(length),
  };
}

export async function remove(url) {
  const response = await send(url, { method: "DELETE", headers: {} });
  if (response.status !== 204 && response.status !== 404 && response.status !== 410) {
    throw new TusError(response.status);
  }
}

export function uploadId(url) {
  return new URL(url).pathname.split("/").filter(Boolean).pop();
}

// Worth another try later: the network, the server being busy, a damaged body in transit.
export function retryable(err) {
  return !(err instanceof TusError) || err.status === 0 || err.status === 423 ||
    err.status === 429 || err.status === 460 || err.status >= 500;
}
