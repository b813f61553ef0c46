import { test } from "node:test";
import assert from "node:assert/strict";
import { loginRefusal } from "../../web_client/static/js/logic/login-refusal.js";

test("a busy server asks to try again in seconds", () => {
  assert.deepEqual(loginRefusal({ limit_name: "logins_in_flight", retry_after_ms: 1000 }), { key: "login.error.busy", unit: "seconds", count: 1 });
  assert.deepEqual(loginRefusal({ limit_name: "address_in_flight", retry_after_ms: 1500 }), { key: "login.error.busy", unit: "seconds", count: 2 });
});

test("too many failures say how long to wait, in minutes from one minute on", () => {
  assert.deepEqual(loginRefusal({ limit_name: "account_failures", retry_after_ms: 300000 }), { key: "login.error.wait", unit: "minutes", count: 5 });
  assert.deepEqual(loginRefusal({ limit_name: "address_failures", retry_after_ms: 61000 }), { key: "login.error.wait", unit: "minutes", count: 2 });
  assert.deepEqual(loginRefusal({ limit_name: "account_failures", retry_after_ms: 59000 }), { key: "login.error.wait", unit: "seconds", count: 59 });
});

test("without usable details the page says it generally", () => {
  for (const details of [null, undefined, {}, { limit_name: "account_failures" }, { retry_after_ms: "soon" }, { retry_after_ms: NaN }]) {
    assert.equal(loginRefusal(details), null);
  }
});
