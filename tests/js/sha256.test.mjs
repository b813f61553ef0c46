// The pure-JS SHA-256 (used where crypto.subtle is missing) against node's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { sha256, sha256Hex, toHex } from "../../web_client/static/js/logic/sha256.js";

const node = (input) => createHash("sha256").update(input).digest("hex");

test("known answers from FIPS 180-4", () => {
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

test("every length around the padding boundaries matches node's crypto", () => {
  for (let n = 0; n <= 200; n++) {
    const s = "x".repeat(n);
    assert.equal(sha256Hex(s), node(s), `length ${n}`);
  }
});

test("strings are hashed as UTF-8, bytes as given", () => {
  const vi = "Phiếu kín của đồng chí";
  assert.equal(sha256Hex(vi), node(Buffer.from(vi, "utf8")));
  for (let i = 0; i < 20; i++) {
    const bytes = new Uint8Array(randomBytes(1 + i * 37));
    assert.equal(sha256Hex(bytes), node(bytes));
  }
  assert.equal(sha256("abc").length, 32);
  assert.equal(toHex(new Uint8Array([0, 15, 255])), "000fff");
});

test("anything else is refused", () => {
  assert.throws(() => sha256(42), TypeError);
});
