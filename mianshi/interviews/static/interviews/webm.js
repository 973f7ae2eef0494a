// Where the last complete WebM element ends in a stream fed chunk by chunk.
//
// MediaRecorder's timeslice blobs are byte slices of the muxer's output: a blob may stop
// inside a frame. When the page dies mid-answer, the last stored chunk therefore usually
// ends with half a frame, which no decoder can use and which makes the file look cut off.
// Tracking the element boundaries while recording lets a reloaded page end that segment
// at its last whole frame instead. The state is plain data so it is stored with the chunks.

// Segment and Cluster: Chromium writes them with unknown sizes, so walk into them.
const ENTER = new Set([0x18538067, 0x1f43b675]);
const MAX_CARRY = 16;

// An EBML variable-length integer: IDs keep their marker bit, sizes do not.
function vint(buf, at, keepMarker) {
  if (at >= buf.length) return null;
  const first = buf[at];
  if (!first) return { bad: true };
  const length = 9 - first.toString(2).length; // 1 + leading zero bits of the first byte
  if (at + length > buf.length) return null;
  const mask = 0xff >> length;
  let value = keepMarker ? first : first & mask;
  let unknown = (first & mask) === mask; // all data bits set: "size unknown"
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i];
    unknown = unknown && buf[at + i] === 0xff;
  }
  return { value, length, unknown: !keepMarker && unknown };
}

export function newState() {
  // total: bytes fed; next: where the next element header starts (or the end of the element
  // being skipped); boundary: end of the last complete element; carry: a split header.
  return { ok: true, total: 0, next: 0, boundary: 0, carry: [] };
}

// Feeds `bytes` (Uint8Array); returns the new state (the old one is left unchanged).
export function feed(previous, bytes) {
  const state = { ...previous, carry: previous.carry.slice() };
  if (!state.ok) return state;
  const chunkStart = state.total;
  state.total += bytes.length;
  if (state.next > state.total) return state; // still inside a payload being skipped
  if (state.next >= chunkStart && state.next <= state.total && !state.carry.length) {
    state.boundary = Math.max(state.boundary, state.next);
  }
  let buf;
  if (state.next >= chunkStart) {
    buf = bytes.subarray(state.next - chunkStart);
  } else {
    buf = new Uint8Array(state.carry.length + bytes.length);
    buf.set(state.carry);
    buf.set(bytes, state.carry.length);
  }
  return walk(state, buf);
}

function walk(state, buf) {
  let at = 0;
  for (;;) {
    const id = vint(buf, at, true);
    const size = id && !id.bad ? vint(buf, at + id.length, false) : id;
    if (id?.bad || size?.bad) {
      state.ok = false; // not WebM as we know it: never trim
      return state;
    }
    if (!id || !size) break;
    const headerEnd = at + id.length + size.length;
    if (ENTER.has(id.value)) {
      at = headerEnd;
      state.boundary = state.next + at;
      continue;
    }
    if (size.unknown) {
      state.ok = false;
      return state;
    }
    const end = headerEnd + size.value;
    if (end > buf.length) {
      // The element continues in later chunks: its end is the next boundary candidate.
      state.next += end;
      state.carry = [];
      return state;
    }
    at = end;
    state.boundary = state.next + at;
  }
  const rest = buf.subarray(at);
  if (rest.length > MAX_CARRY) state.ok = false;
  state.carry = Array.from(rest);
  state.next += at;
  return state;
}
