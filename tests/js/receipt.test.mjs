import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  randomNonce, receiptHash, receiptKey, parseReceipt, formatReceipt, receiptListed,
} from "../../web_client/static/js/logic/receipt.js";

const node = (s) => createHash("sha256").update(s, "utf8").digest("hex");

test("a nonce is 32 random bytes in hex, different every time", () => {
  const a = randomNonce();
  const b = randomNonce();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
});

test("without getRandomValues there is no nonce (the server makes one)", () => {
  assert.equal(randomNonce({}), null);
  assert.equal(randomNonce(null), null);
});

test("the receipt hash is SHA-256 of the nonce's text, with or without crypto.subtle", async () => {
  const nonce = randomNonce();
  assert.equal(await receiptHash(nonce), node(nonce)); // node has crypto.subtle
  assert.equal(await receiptHash(nonce, { getRandomValues() {} }), node(nonce)); // plain-HTTP Safari: no subtle
  const refusing = { subtle: { digest: () => Promise.reject(new Error("insecure")) } };
  assert.equal(await receiptHash(nonce, refusing), node(nonce));
});

test("receipts are kept per user and vote, and bad stored values are ignored", () => {
  assert.equal(receiptKey(7, 12), "vote.receipt.7.12");
  const hash = node("n");
  assert.deepEqual(parseReceipt(JSON.stringify({ nonce: "n", hash })), { nonce: "n", hash });
  assert.equal(parseReceipt(null), null);
  assert.equal(parseReceipt("{"), null);
  assert.equal(parseReceipt(JSON.stringify({ nonce: "n", hash: "xyz" })), null);
});

test("the receipt code is short and readable; the published list is searched in full", () => {
  const hash = node("abc");
  assert.equal(formatReceipt(hash), "BA78 16BF 8F01 CFEA");
  assert.equal(formatReceipt(""), "");
  assert.equal(receiptListed(hash, [node("x"), hash.toUpperCase()]), true);
  assert.equal(receiptListed(hash, [node("x")]), false);
  assert.equal(receiptListed(hash, null), false);
});
