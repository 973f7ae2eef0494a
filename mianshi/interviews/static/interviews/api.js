// The candidate JSON API under /i/api/<token>/: JSON in and out, translated `detail` on errors.
// Calls that change state are retried on network failures only (the server is idempotent
// for them); a 4xx answer is final and shown to the candidate.

export class ApiError extends Error {
  constructor(status, detail, code) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.code = code;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Api {
  constructor(base) {
    this.base = base.endsWith("/") ? base : `${base}/`;
    this.onRetry = () => {};
  }

  async request(method, path, body, { retries = 8, raw = false } = {}) {
    const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
    let payload = body;
    if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob) && !raw) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetch(this.base + path, {
          method,
          headers,
          body: payload,
          credentials: "same-origin",
          cache: "no-store",
        });
      } catch (err) {
        if (attempt >= retries) throw new ApiError(0, "", "network");
        this.onRetry(attempt);
        await sleep(Math.min(8000, 500 * 2 ** attempt));
        continue;
      }
      if (response.status >= 500 && attempt < retries) {
        this.onRetry(attempt);
        await sleep(Math.min(8000, 500 * 2 ** attempt));
        continue;
      }
      return this.parse(response);
    }
  }

  async parse(response) {
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const detail = typeof data?.detail === "string" ? data.detail : "";
      throw new ApiError(response.status, detail, data?.code);
    }
    return data;
  }

  get(path, options) {
    return this.request("GET", path, undefined, options);
  }

  post(path, body = {}, options) {
    return this.request("POST", path, body, options);
  }
}
