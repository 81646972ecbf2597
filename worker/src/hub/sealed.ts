/**
 * Secrets the control plane stores (registered MCP servers' header values and
 * stdio env values) are sealed at rest: AES-256-GCM (WebCrypto) with a fresh
 * 12-byte IV per value, under a key derived by HKDF-SHA-256 from
 * `ATT_SECRET_KEY`, or from `ATT_TOKEN` when that is unset (local mode:
 * changing ATT_TOKEN then leaves stored secrets unreadable, and each such
 * server's check says to re-register it).
 *
 * A sealed value is `sealed:v1:<base64url(mask)>:<base64url(iv | ciphertext)>`.
 * It carries the plaintext's mask (mask.ts), so answers show it without
 * decrypting; the mask is authenticated as additional data, so it cannot be
 * edited in the row either. A value without the prefix is plaintext stored
 * before sealing existed, and is used as it is.
 */
import { maskHeaderValue } from "./mask.ts";

export const SEALED_PREFIX = "sealed:v1:";
const HKDF_INFO = "att/stored-secrets/v1 aes-256-gcm";
const IV_BYTES = 12;
/** Strict, and a leading U+FEFF is kept: revealing gives back exactly what was sealed. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A stored secret that this key cannot open: the key changed, or the row was altered. */
export class SecretUnreadable extends Error {
  constructor() {
    super(
      "re-register this server: its stored secrets cannot be read with the current key (ATT_SECRET_KEY, or ATT_TOKEN when that is unset)",
    );
    this.name = "SecretUnreadable";
  }
}

/** The control plane has neither ATT_SECRET_KEY nor ATT_TOKEN: it will not store a secret in the clear. */
export class NoSecretKey extends Error {
  constructor() {
    super("the control plane has no key to encrypt stored secrets with: set the ATT_SECRET_KEY secret");
    this.name = "NoSecretKey";
  }
}

/** The key material: ATT_SECRET_KEY, else ATT_TOKEN (local mode); undefined when both are unset or empty. */
export function secretKeyMaterial(env: { ATT_SECRET_KEY?: string; ATT_TOKEN?: string }): string | undefined {
  return [env.ATT_SECRET_KEY, env.ATT_TOKEN].find((value) => value !== undefined && value !== "");
}

export const isSealed = (value: string): boolean => value.startsWith(SEALED_PREFIX);

/** How a stored value is shown: the mask a sealed value carries, or the mask of a plaintext one. */
export function storedMask(value: string): string {
  if (!isSealed(value)) return maskHeaderValue(value);
  const encoded = value.slice(SEALED_PREFIX.length).split(":", 1)[0] ?? "";
  try {
    return UTF8.decode(fromBase64url(encoded));
  } catch {
    return maskHeaderValue("");
  }
}

export function storedMasks(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, storedMask(value)]));
}

export class SecretSealer {
  readonly #material: string | undefined;
  #key: Promise<CryptoKey> | undefined;

  constructor(material: string | undefined) {
    this.#material = material;
  }

  async seal(value: string): Promise<string> {
    const mask = base64url(new TextEncoder().encode(maskHeaderValue(value)));
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: additionalData(mask) },
      await this.#derive(),
      new TextEncoder().encode(value),
    );
    const bytes = new Uint8Array(IV_BYTES + sealed.byteLength);
    bytes.set(iv);
    bytes.set(new Uint8Array(sealed), IV_BYTES);
    return `${SEALED_PREFIX}${mask}:${base64url(bytes)}`;
  }

  /** The plaintext of a stored value; a value without the prefix is plaintext already. */
  async reveal(stored: string): Promise<string> {
    if (!isSealed(stored)) return stored;
    const [mask, payload, ...rest] = stored.slice(SEALED_PREFIX.length).split(":");
    if (mask === undefined || payload === undefined || rest.length > 0 || this.#material === undefined) {
      throw new SecretUnreadable();
    }
    try {
      const bytes = fromBase64url(payload);
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: additionalData(mask) },
        await this.#derive(),
        bytes.slice(IV_BYTES),
      );
      return UTF8.decode(plain);
    } catch {
      throw new SecretUnreadable();
    }
  }

  /** False when there is no key material: nothing can be sealed (nor a sealed value opened). */
  get hasKey(): boolean {
    return this.#material !== undefined;
  }

  /** Seals every value, even one that happens to look sealed: input is always plaintext. */
  sealAll(values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    return mapValues(values, (value) => this.seal(value));
  }

  /** Seals the stored values that are still plaintext (rows from before sealing existed). */
  sealPlaintext(values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    return mapValues(values, (value) => (isSealed(value) ? Promise.resolve(value) : this.seal(value)));
  }

  revealAll(values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    return mapValues(values, (value) => this.reveal(value));
  }

  #derive(): Promise<CryptoKey> {
    const material = this.#material;
    if (material === undefined) return Promise.reject(new NoSecretKey());
    this.#key ??= deriveKey(material);
    return this.#key;
  }
}

async function deriveKey(material: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(material), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(HKDF_INFO) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const additionalData = (mask: string): Uint8Array => new TextEncoder().encode(`${SEALED_PREFIX}${mask}`);

async function mapValues(
  values: Readonly<Record<string, string>>,
  map: (value: string) => Promise<string>,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(values).map(async ([name, value]): Promise<[string, string]> => [name, await map(value)]),
  );
  return Object.fromEntries(entries);
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Throws on anything that is not base64url. */
function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
