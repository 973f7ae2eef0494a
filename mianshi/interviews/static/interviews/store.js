// IndexedDB keeps every recorded chunk until the server acknowledged it (F-44): a closed
// tab, a reload or a crash loses nothing that MediaRecorder handed us.
//
// recordings: one row per local recording (= one tus upload once created), keyed by a
//   client id; chunks: [rec, seq] → {offset, size, data: ArrayBuffer}. A chunk and the
//   recording's running totals are written in one transaction, so they never disagree.

const DB_NAME = "mianshi-recorder";
const VERSION = 1;
let dbPromise = null;

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const recordings = db.createObjectStore("recordings", { keyPath: "id" });
        recordings.createIndex("token", "token");
        db.createObjectStore("chunks", { keyPath: ["rec", "seq"] });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

const chunkRange = (rec) => IDBKeyRange.bound([rec, 0], [rec, Number.MAX_SAFE_INTEGER]);

export async function putRecording(meta) {
  const db = await openDb();
  const tx = db.transaction("recordings", "readwrite");
  tx.objectStore("recordings").put(meta);
  await done(tx);
}

export async function getRecording(id) {
  const db = await openDb();
  return promisify(db.transaction("recordings").objectStore("recordings").get(id));
}

export async function listRecordings(token) {
  const db = await openDb();
  const store = db.transaction("recordings").objectStore("recordings");
  const rows = await promisify(store.index("token").getAll(token));
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

// Appends a chunk: `meta` (the uploader's in-memory row, the only copy that changes) is
// advanced and written with the chunk in one transaction, so the two never disagree.
export async function appendChunk(meta, data, at) {
  const db = await openDb();
  const chunk = { rec: meta.id, seq: meta.nextSeq, offset: meta.nextOffset, size: data.byteLength, data, at };
  meta.nextSeq += 1;
  meta.nextOffset += data.byteLength;
  meta.lastChunkAt = at;
  meta.pending += 1;
  const tx = db.transaction(["recordings", "chunks"], "readwrite");
  tx.objectStore("chunks").put(chunk);
  tx.objectStore("recordings").put(meta);
  try {
    await done(tx);
  } catch (err) {
    meta.nextSeq -= 1;
    meta.nextOffset -= data.byteLength;
    meta.pending -= 1;
    throw err;
  }
  return chunk;
}

export async function chunksOf(id) {
  const db = await openDb();
  return promisify(db.transaction("chunks").objectStore("chunks").getAll(chunkRange(id)));
}

export async function chunkStats(id) {
  const db = await openDb();
  const store = db.transaction("chunks").objectStore("chunks");
  const rows = await promisify(store.getAll(chunkRange(id)));
  return { chunks: rows.length, bytes: rows.reduce((sum, c) => sum + c.size, 0) };
}

export async function putChunk(chunk) {
  const db = await openDb();
  const tx = db.transaction("chunks", "readwrite");
  tx.objectStore("chunks").put(chunk);
  await done(tx);
}

export async function deleteChunk(id, seq) {
  const db = await openDb();
  const tx = db.transaction("chunks", "readwrite");
  tx.objectStore("chunks").delete([id, seq]);
  await done(tx);
}

export async function deleteRecording(id) {
  const db = await openDb();
  const tx = db.transaction(["recordings", "chunks"], "readwrite");
  tx.objectStore("chunks").delete(chunkRange(id));
  tx.objectStore("recordings").delete(id);
  await done(tx);
}
