import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCsv, readAccounts } from "../../web_client/static/js/logic/accounts-csv.js";

test("quoted fields, doubled quotes and CRLF", () => {
  assert.deepEqual(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3\r\n'), [["a", "b, c", 'say "hi"'], ["1", "2", "3"]]);
});

test("BOM, Vietnamese names, role labels and per-row errors", () => {
  const text = "\uFEFFusername,full_name,role,position\n" +
    "nva,Nguyễn Văn An,member,Ủy viên\n" +
    "ttb,Trần Thị Bình,Thư ký,\n" +
    "bad name,Lê Văn C,member,\n" +
    "nva,Phạm D,king,\n" +
    "old,Cũ,member,\n";
  const { rows } = readAccounts(text, { existing: ["old"], roleNames: { "Thư ký": "secretary" } });
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[0], { line: 2, username: "nva", full_name: "Nguyễn Văn An", role: "member", position: "Ủy viên", errors: ["username_twice"] });
  assert.equal(rows[1].role, "secretary");
  assert.deepEqual(rows[1].errors, []);
  assert.deepEqual(rows[2].errors, ["username"]);
  assert.deepEqual(rows[3].errors, ["role", "username_twice"]);
  assert.deepEqual(rows[4].errors, ["username_taken"]);
});

test("semicolons, a missing header, an empty file", () => {
  assert.equal(readAccounts("username;full_name;role\nabc;A B;member\n").rows[0].full_name, "A B");
  assert.equal(readAccounts("name,role\nx,member").error, "header_missing");
  assert.equal(readAccounts("\uFEFF\n").error, "empty");
  assert.equal(readAccounts("username,full_name,role\n").error, "empty");
});
