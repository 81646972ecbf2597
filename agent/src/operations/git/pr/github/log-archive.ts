/**
 * GitHub hands out a run's logs as a zip of text files. This reads them into
 * one text, in name order, each under a header, and stops decompressing at
 * `limit` bytes (a zip's declared sizes are not trusted).
 */
import yauzl from "yauzl";

export interface ArchiveText {
  text: string;
  truncated: boolean;
}

export function readLogArchive(zip: Buffer, limit: number): Promise<ArchiveText> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (openError, archive) => {
      if (openError !== null || archive === undefined) return reject(openError ?? new Error("unreadable zip"));
      const entries: yauzl.Entry[] = [];
      archive.on("entry", (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith("/")) entries.push(entry);
        archive.readEntry();
      });
      archive.on("error", reject);
      archive.on("end", () => {
        entries.sort((a, b) => a.fileName.localeCompare(b.fileName));
        concatenate(archive, entries, limit).then(resolve, reject);
      });
      archive.readEntry();
    });
  });
}

async function concatenate(archive: yauzl.ZipFile, entries: yauzl.Entry[], limit: number): Promise<ArchiveText> {
  const parts: Buffer[] = [];
  let size = 0;
  for (const entry of entries) {
    const room = limit - size;
    const header = Buffer.from(`=== ${entry.fileName} ===\n`);
    if (room <= header.length) return finish(parts, true, archive);
    parts.push(header);
    size += header.length;
    const body = await readEntry(archive, entry, limit - size);
    parts.push(body.data);
    size += body.data.length;
    if (body.truncated) return finish(parts, true, archive);
    if (size < limit) {
      parts.push(Buffer.from("\n"));
      size += 1;
    }
  }
  return finish(parts, false, archive);
}

function finish(parts: Buffer[], truncated: boolean, archive: yauzl.ZipFile): ArchiveText {
  archive.close();
  return { text: Buffer.concat(parts).toString("utf8"), truncated };
}

function readEntry(
  archive: yauzl.ZipFile,
  entry: yauzl.Entry,
  limit: number,
): Promise<{ data: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    archive.openReadStream(entry, (error, stream) => {
      if (error !== null || stream === undefined) return reject(error ?? new Error(`unreadable ${entry.fileName}`));
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      stream.on("data", (chunk: Buffer) => {
        if (truncated) return;
        const kept = chunk.subarray(0, Math.max(0, limit - size));
        chunks.push(kept);
        size += kept.length;
        if (kept.length < chunk.length) {
          truncated = true;
          stream.destroy();
          resolve({ data: Buffer.concat(chunks), truncated });
        }
      });
      stream.on("error", (streamError) => {
        if (!truncated) reject(streamError);
      });
      stream.on("end", () => resolve({ data: Buffer.concat(chunks), truncated }));
    });
  });
}
