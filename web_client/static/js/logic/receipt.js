// Receipts for secret ballots. The tablet makes a random secret nonce, keeps
// it, and sends only its SHA-256 (`receipt_hash`). After the vote closes the
// server publishes the list of receipt hashes; the voter finds theirs in it,
// which proves the ballot was counted without telling anyone what it said.
//
// Pure apart from the `crypto` object passed in (window.crypto in the page,
// globalThis.crypto in node's tests).
import { sha256Hex, toHex } from "./sha256.js";

const NONCE_BYTES = 32;

/** A random nonce as 64 hex characters, or null when the device has no CSPRNG. */
export function randomNonce(cryptoObj = globalThis.crypto) {
  if (!cryptoObj || typeof cryptoObj.getRandomValues !== "function") return null;
  const bytes = new Uint8Array(NONCE_BYTES);
  cryptoObj.getRandomValues(bytes);
  return toHex(bytes);
}

/**
 * Lowercase hex SHA-256 of the nonce's text. crypto.subtle exists only in a
 * secure context (HTTPS or localhost); on plain-HTTP LAN the pure-JS digest
 * gives the same answer.
 */
export async function receiptHash(nonce, cryptoObj = globalThis.crypto) {
  const subtle = cryptoObj && cryptoObj.subtle;
  if (subtle && typeof subtle.digest === "function") {
    try {
      const digest = await subtle.digest("SHA-256", new TextEncoder().encode(nonce));
      return toHex(new Uint8Array(digest));
    } catch {
      // Some browsers expose subtle but refuse to use it outside HTTPS.
    }
  }
  return sha256Hex(nonce);
}

/** Where a voter's receipt for one vote is kept on this device (localStorage). */
export function receiptKey(userId, voteId) {
  return `vote.receipt.${userId}.${voteId}`;
}

/** Parse what receiptKey() holds: {nonce, hash} or null. */
export function parseReceipt(text) {
  if (!text) return null;
  try {
    const r = JSON.parse(text);
    return r && typeof r.hash === "string" && /^[0-9a-f]{64}$/.test(r.hash) ? { nonce: r.nonce || null, hash: r.hash } : null;
  } catch {
    return null;
  }
}

/**
 * The receipt code shown to the voter: the hash's first 16 hex digits in
 * groups of four, enough to find it in the published list by eye.
 */
export function formatReceipt(hash) {
  if (!hash) return "";
  return String(hash).slice(0, 16).toUpperCase().match(/.{1,4}/g).join(" ");
}

/** Whether the published receipts hold ours. */
export function receiptListed(hash, receipts) {
  if (!hash || !Array.isArray(receipts)) return false;
  const mine = String(hash).toLowerCase();
  return receipts.some((r) => String(r).toLowerCase() === mine);
}
