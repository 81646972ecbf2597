/**
 * A version 4 UUID (exchange, message and terminal run ids). Built from
 * `crypto.getRandomValues`, which works everywhere, because
 * `crypto.randomUUID` exists only in secure contexts (https or localhost) and
 * the UI may be opened over plain http on a LAN address. `random` is for tests.
 */
export function uuid(random: (bytes: Uint8Array<ArrayBuffer>) => void = (b) => crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(16);
  random(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
