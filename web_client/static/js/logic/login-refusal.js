// What to tell a person whose login was refused with 429 `rate_limited`. The
// error's `details` ({limit_name, retry_after_ms}) say which limit it was and
// when to try again: "many people are logging in" is not "too many wrong
// passwords from this device", and neither should read like a wrong password.

const BUSY = new Set(["logins_in_flight", "address_in_flight"]);

/**
 * {key, unit, count} for the login page: `key` the message, `count` `unit`s
 * ("seconds" or "minutes") the wait, rounded up. Null without usable details
 * (a 429 from the connection guard, or an older server): say it generally.
 */
export function loginRefusal(details) {
  if (!details || typeof details.retry_after_ms !== "number" || !(details.retry_after_ms >= 0)) return null;
  const key = BUSY.has(details.limit_name) ? "login.error.busy" : "login.error.wait";
  const seconds = Math.max(1, Math.ceil(details.retry_after_ms / 1000));
  if (seconds < 60) return { key, unit: "seconds", count: seconds };
  return { key, unit: "minutes", count: Math.ceil(seconds / 60) };
}
